package dev.lifeboat.repository.sftp;

import dev.lifeboat.repository.DurableFiles;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Keys as the store accepts them, and the temp names beside them. */
final class StoreKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private StoreKeys() {
    }

    /** {@code dir/.tmp-PID-RANDOM-name}: whose it was and what it was for, as file repositories name temps. */
    static String tempKey(String key) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        int slash = key.lastIndexOf('/');
        return key.substring(0, slash + 1) + DurableFiles.TEMP_PREFIX + ProcessHandle.current().pid() + "-"
                + HexFormat.of().formatHex(random) + "-" + key.substring(slash + 1);
    }

    /** The key a temp was meant to become: {@code dir/.tmp-PID-RANDOM-name} gives {@code dir/name}. */
    static String target(String tempKey) {
        int slash = tempKey.lastIndexOf('/');
        String[] parts = tempKey.substring(slash + 1 + DurableFiles.TEMP_PREFIX.length()).split("-", 3);
        return tempKey.substring(0, slash + 1) + (parts.length == 3 ? parts[2] : tempKey.substring(slash + 1));
    }

    static boolean isTemp(String key) {
        return key.substring(key.lastIndexOf('/') + 1).startsWith(DurableFiles.TEMP_PREFIX);
    }

    static void checkObjectKey(String key) {
        checkKey(key);
        if (isTemp(key)) {
            throw new IllegalArgumentException("a key may not be named like a temp file: " + key);
        }
    }

    static void checkKey(String key) {
        if (key.isEmpty() || key.endsWith("/")) {
            throw new IllegalArgumentException("not an object key: '" + key + "'");
        }
        checkPrefix(key);
    }

    /** A prefix may end in a slash (a folder) or part-way into a name; it may not climb out. */
    static void checkPrefix(String prefix) {
        String[] segments = prefix.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (prefix.startsWith("/") || segment.equals(".") || segment.equals("..")
                    || segment.isEmpty() && !last || segment.indexOf('\0') >= 0 || segment.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("not a key or prefix: '" + prefix + "'");
            }
        }
    }
}
