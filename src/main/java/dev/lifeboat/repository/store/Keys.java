package dev.lifeboat.repository.store;

import java.util.ArrayList;
import java.util.List;

/** The key grammar every store enforces, whatever the layer above already checked. */
public final class Keys {
    private Keys() {
    }

    /**
     * {@code key} itself, refused when empty, absolute, with an empty, {@code .} or {@code ..} segment,
     * or with a NUL or a backslash (a separator on some servers).
     */
    public static String require(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.indexOf('\0') >= 0 || key.indexOf('\\') >= 0) {
            throw new IllegalArgumentException("not a store key: " + printable(key));
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("not a store key: " + printable(key));
            }
        }
        return key;
    }

    /** A listing prefix: empty, or a key's beginning (it may end with {@code /} or in a name). */
    public static String requirePrefix(String prefix) {
        if (!prefix.isEmpty()) {
            require(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
        }
        return prefix;
    }

    /**
     * The folders a store with folders removes, deepest first, when deleting {@code key} empties them:
     * those of the key's path but the top-level ones ({@code backups/}, {@code locks/}), which another
     * process may be about to write into ({@code backups/ID/x} gives {@code backups/ID}).
     */
    public static List<String> prunableFolders(String key) {
        List<String> folders = new ArrayList<>();
        for (int slash = require(key).lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
            String folder = key.substring(0, slash);
            if (folder.indexOf('/') < 0) {
                break;
            }
            folders.add(folder);
        }
        return folders;
    }

    /** The last segment of a key, as messages name an object. */
    public static String name(String key) {
        return key.substring(key.lastIndexOf('/') + 1);
    }

    private static String printable(String key) {
        return key == null ? "(none)" : key.replaceAll("\\p{Cntrl}", "?");
    }
}
