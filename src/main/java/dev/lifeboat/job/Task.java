package dev.lifeboat.job;

/** What a job run does. Backup jobs back up and verify; purge jobs purge. */
public enum Task {
    BACKUP("backup"), VERIFY("verify"), PURGE("purge");

    private final String key;

    Task(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
