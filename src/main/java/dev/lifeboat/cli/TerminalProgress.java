package dev.lifeboat.cli;

import dev.lifeboat.Progress;
import dev.lifeboat.Terminal;
import java.io.PrintStream;
import java.util.function.LongConsumer;

/** A one-line progress bar on stderr, redrawn at most five times a second. */
final class TerminalProgress implements Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private final PrintStream err;
    private boolean drawn;

    private TerminalProgress(PrintStream err) {
        this.err = err;
    }

    /**
     * A bar when stderr is a terminal that can erase a line (not TERM=dumb), otherwise silence;
     * stdin and stdout do not matter, so {@code lifeboat backup … | tee log} still shows it.
     */
    static Progress forTerminal(java.util.Map<String, String> env) {
        return Terminal.STDERR.isTerminal() && !"dumb".equals(env.get("TERM")) ? new TerminalProgress(System.err)
                : Progress.NONE;
    }

    @Override
    public LongConsumer start(String phase, long totalBytes) {
        long[] done = {0, 0};
        return bytes -> {
            done[0] += bytes;
            long now = System.nanoTime();
            if (now - done[1] >= REDRAW_NANOS) {
                done[1] = now;
                draw(phase, done[0], totalBytes);
            }
        };
    }

    private void draw(String phase, long done, long total) {
        String amount = Sizes.human(done) + (total > 0 ? " of " + Sizes.human(total) : "");
        String bar = "";
        if (total > 0) {
            int filled = (int) Math.min(30, 30 * done / total);
            bar = " [" + "#".repeat(filled) + " ".repeat(30 - filled) + "] " + Math.min(100, 100 * done / total) + "%";
        }
        err.print("\r" + phase + ": " + amount + bar + "   ");
        err.flush();
        drawn = true;
    }

    @Override
    public void finish() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
            drawn = false;
        }
    }
}
