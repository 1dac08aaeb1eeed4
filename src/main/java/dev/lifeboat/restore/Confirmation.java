package dev.lifeboat.restore;

/** Asks before an existing target is replaced. */
public interface Confirmation {
    /** True when asking is possible at all (a terminal), or the answer is already yes. */
    boolean canConfirm();

    boolean confirm(String question);

    /** This confirmation, asking with {@code warning} before the question (e.g. that the backup is SUSPICIOUS). */
    default Confirmation warning(String warning) {
        Confirmation asking = this;
        return new Confirmation() {
            @Override
            public boolean canConfirm() {
                return asking.canConfirm();
            }

            @Override
            public boolean confirm(String question) {
                return asking.confirm("WARNING: " + warning + ". " + question);
            }
        };
    }

    Confirmation YES = new Confirmation() {
        @Override
        public boolean canConfirm() {
            return true;
        }

        @Override
        public boolean confirm(String question) {
            return true;
        }
    };
}
