package dev.lifeboat.hooks;

/** Where a hook command runs. A failing {@code before} hook stops the run; {@code after} hooks always run. */
public enum HookPoint {
    BEFORE_BACKUP("before-backup"),
    AFTER_BACKUP("after-backup"),
    BEFORE_RESTORE("before-restore"),
    AFTER_RESTORE("after-restore"),
    BEFORE_PURGE("before-purge"),
    AFTER_PURGE("after-purge");

    private final String key;

    HookPoint(String key) {
        this.key = key;
    }

    /** The config key, e.g. {@code before-restore}. */
    public String key() {
        return key;
    }

    public boolean isBefore() {
        return key.startsWith("before");
    }
}
