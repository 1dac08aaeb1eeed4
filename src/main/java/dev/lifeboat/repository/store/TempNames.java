package dev.lifeboat.repository.store;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The temp name an object is written under beside its key until it is committed, in every store
 * that has files: {@code .tmp-PID-RANDOM-NAME}, which says whose it was and what it was for. Such
 * names are never objects: listings report them as {@link Store.Unfinished unfinished} puts.
 */
public final class TempNames {
    public static final String PREFIX = ".tmp-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d{1,18})-[0-9a-f]+-(.+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TempNames() {
    }

    /** A new temp name for a file named {@code name}, owned by this process. */
    public static String of(String name) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        return PREFIX + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(random) + "-" + name;
    }

    /** A new temp key beside {@code key}: {@code dir/.tmp-PID-RANDOM-name}. */
    public static String beside(String key) {
        int slash = key.lastIndexOf('/');
        return key.substring(0, slash + 1) + of(key.substring(slash + 1));
    }

    /** Whether the last segment of {@code key} is named like a temp. */
    public static boolean isTemp(String key) {
        return key.substring(key.lastIndexOf('/') + 1).startsWith(PREFIX);
    }

    /** {@code key}, refused when it is named like a temp: such a file would never be listed as an object. */
    public static String requireNotTemp(String key) {
        if (isTemp(Keys.require(key))) {
            throw new IllegalArgumentException("a key may not be named like a temp file: " + key);
        }
        return key;
    }

    /**
     * The put a temp at {@code tempKey} stands for: the key it was to become (itself, for a name
     * not made here) and, when {@code withPid}, the pid its name carries.
     *
     * @param withPid false for stores shared by several hosts, where a pid says nothing here
     */
    public static Store.Unfinished unfinished(String tempKey, Instant lastWritten, boolean withPid) {
        int slash = tempKey.lastIndexOf('/');
        Matcher name = NAME.matcher(tempKey.substring(slash + 1));
        if (!name.matches()) {
            return new Store.Unfinished(tempKey, tempKey, lastWritten, OptionalLong.empty());
        }
        return new Store.Unfinished(tempKey.substring(0, slash + 1) + name.group(2), tempKey, lastWritten,
                withPid ? OptionalLong.of(Long.parseLong(name.group(1))) : OptionalLong.empty());
    }
}
