package dev.lifeboat.repository;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.Optional;

/**
 * Identifies a process across restarts of the machine and reuse of pids, so that leftovers of
 * dead processes can be told apart from work in progress.
 */
public record ProcessOwner(String host, long pid, String started) {

    public static ProcessOwner current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessOwner(hostName(), self.pid(), startOf(self));
    }

    public static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** The pid in a file name made as {@code PREFIX + pid + "-" + rest}, or -1. */
    public static long pidInName(String name, String prefix) {
        if (!name.startsWith(prefix)) {
            return -1;
        }
        String rest = name.substring(prefix.length());
        int dash = rest.indexOf('-');
        try {
            return dash < 0 ? -1 : Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** True when no process with this pid is alive on this machine. */
    public static boolean isGone(long pid) {
        return ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true);
    }

    /** The token written into marker files: {@code host pid start}. */
    public String token() {
        return host + " " + pid + " " + started;
    }

    /**
     * The owner a token names. Lock objects of earlier S3 repositories carry a fourth part (a
     * nonce), which is ignored.
     */
    public static Optional<ProcessOwner> parse(String token) {
        String[] parts = token.trim().split(" ");
        if (parts.length != 3 && parts.length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessOwner(parts[0], Long.parseLong(parts[1]), parts[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** True only when the owner certainly is gone: same host, and no such process alive. */
    public boolean isDeadOnThisHost() {
        if (!host.equals(hostName())) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        return handle.isEmpty() || !handle.get().isAlive() || !startOf(handle.get()).equals(started);
    }

    private static String startOf(ProcessHandle handle) {
        return handle.info().startInstant().map(Instant::toString).orElse("?");
    }
}
