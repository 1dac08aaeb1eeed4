package dev.lifeboat.repository.store;

/** The key grammar every store enforces, whatever the layer above already checked. */
public final class Keys {
    private Keys() {
    }

    /** {@code key} itself, refused when empty, absolute, or with an empty, {@code .} or {@code ..} segment. */
    public static String require(String key) {
        if (key == null || key.isEmpty() || key.startsWith("/") || key.indexOf('\0') >= 0) {
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

    private static String printable(String key) {
        return key == null ? "(none)" : key.replaceAll("\\p{Cntrl}", "?");
    }
}
