package dev.lifeboat;

import java.util.function.LongConsumer;

/** Reports bytes moved during long work; the CLI draws a bar on a terminal and nothing otherwise. */
public interface Progress {
    /** Starts a phase; {@code totalBytes} is -1 when unknown. Returns the sink for byte counts. */
    LongConsumer start(String phase, long totalBytes);

    /** Ends the current phase. */
    void finish();

    Progress NONE = new Progress() {
        @Override
        public LongConsumer start(String phase, long totalBytes) {
            return bytes -> { };
        }

        @Override
        public void finish() {
        }
    };
}
