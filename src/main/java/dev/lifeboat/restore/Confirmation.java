package dev.lifeboat.restore;

/** Asks before an existing target is replaced. */
public interface Confirmation {
    /** True when asking is possible at all (a terminal), or the answer is already yes. */
    boolean canConfirm();

    boolean confirm(String question);

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
