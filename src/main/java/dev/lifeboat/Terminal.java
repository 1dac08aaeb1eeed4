package dev.lifeboat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Whether each standard stream is a terminal, checked one by one. {@code System.console()} cannot
 * say: up to JDK 21 (and again from 25) it is null unless stdin and stdout are both terminals, so
 * {@code lifeboat backup … | tee log} would lose the progress bar its terminal stderr can show, and
 * on JDK 22 to 24 it is never null, so a bar would be drawn into a file. On Linux the link of
 * {@code /proc/self/fd/N} names the device; elsewhere only an old JDK's console is trusted.
 */
public enum Terminal {
    STDIN(0), STDOUT(1), STDERR(2);

    private static final Pattern TERMINAL_DEVICE = Pattern.compile("/dev/(pts/\\d+|tty[^/]*|console)");
    private final int fd;

    Terminal(int fd) {
        this.fd = fd;
    }

    /** True when this stream is a terminal. */
    public boolean isTerminal() {
        Path link = Path.of("/proc/self/fd", Integer.toString(fd));
        try {
            return TERMINAL_DEVICE.matcher(Files.readSymbolicLink(link).toString()).matches();
        } catch (IOException | UnsupportedOperationException e) {
            return Runtime.version().feature() < 22 && System.console() != null;
        }
    }

    /** True when a question can be asked and answered on the terminal through {@link System#console()}. */
    public static boolean canPrompt() {
        return STDIN.isTerminal() && System.console() != null;
    }
}
