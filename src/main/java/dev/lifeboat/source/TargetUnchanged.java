package dev.lifeboat.source;


/**
 * An install that failed before it changed the target (another connection held it, the disk was
 * full before the first page was written): there is nothing to put back, and the user is told so.
 */
public final class TargetUnchanged extends EngineFailure {
    public TargetUnchanged(String message) {
        super(Kind.TARGET, message);
    }

    /**
     * Why a copy into a live target never completed, which SQLite does not say: a full disk when
     * the target's folder lacks room for the content, else another connection's lock.
     */
    public static TargetUnchanged notReplaced(java.nio.file.Path target, java.nio.file.Path content, String budget) {
        try {
            java.nio.file.FileStore store = java.nio.file.Files.getFileStore(target.toAbsolutePath().getParent());
            long needed = java.nio.file.Files.size(content);
            if (store.getUsableSpace() < needed) {
                return new TargetUnchanged("the disk of " + target.getParent() + " is full: "
                        + needed + " bytes are needed and " + store.getUsableSpace() + " are free; free some space"
                        + " and retry");
            }
        } catch (java.io.IOException e) {
            // Without the sizes, the lock is the likelier cause; it is what SQLite's BUSY means.
        }
        return new TargetUnchanged("cannot replace " + target + ": another connection kept it"
                + " locked beyond the " + budget + " retry budget; stop its writers and retry (or raise"
                + " LIFEBOAT_LOCK_TIMEOUT)");
    }

}
