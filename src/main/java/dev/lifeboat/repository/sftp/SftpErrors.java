package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.RepositoryUnavailable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Turns SSH and SFTP failures into one line with the cause and a fix. An answer from the server
 * (an SFTP status) is final; a broken, refused or silent connection may pass and is a
 * {@link RepositoryUnavailable}, after this store's own retries.
 */
final class SftpErrors {
    private SftpErrors() {
    }

    /** A failure worth reconnecting and trying again: the connection, not the server's answer. */
    static boolean isTransient(IOException e) {
        return !(e instanceof SftpException) && !has(e, UnknownHostException.class);
    }

    static boolean isStatus(IOException e, int... statuses) {
        if (e instanceof SftpException sftp) {
            for (int status : statuses) {
                if (sftp.getStatus() == status) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @param action what was being done, e.g. "writing backups/ID/manifest.json" */
    static LifeboatException map(SftpLocation location, String action, IOException e) {
        String server = location.server();
        if (e instanceof SftpException sftp) {
            return status(location, action, sftp);
        }
        if (has(e, UnknownHostException.class)) {
            return new LifeboatException(ExitCode.REPOSITORY, "unknown host '" + location.host() + "' in " + location
                    + "; check the host name in the repository URL and DNS", e);
        }
        String tries = " (" + location.retries() + " retries)";
        if (has(e, ConnectException.class) || has(e, NoRouteToHostException.class)) {
            return new RepositoryUnavailable("cannot connect to " + server + " while " + action + tries
                    + ": connection refused; check that the SSH server is up and the port in the repository URL", e);
        }
        if (has(e, SftpConnector.ConnectTimeout.class)) {
            return new RepositoryUnavailable(server + " did not let us connect and log in in time while " + action
                    + tries + ", connect-timeout " + seconds(location.connectTimeout()) + "; check the network and"
                    + " that an SSH server listens there, or raise connect-timeout= in the repository URL", e);
        }
        if (has(e, SocketTimeoutException.class) || String.valueOf(e.getMessage()).startsWith("Timeout expired")) {
            return new RepositoryUnavailable(server + " did not answer in time while " + action + tries + ", timeout "
                    + seconds(location.timeout()) + "; check the network and the server, or raise timeout= in the"
                    + " repository URL", e);
        }
        return new RepositoryUnavailable("lost the connection to " + server + " while " + action + tries + " ("
                + firstLine(e) + "); check the network and the server, then try again", e);
    }

    private static LifeboatException status(SftpLocation location, String action, SftpException e) {
        String where = location.server() + " (" + location + ")";
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (isStatus(e, SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM, SftpConstants.SSH_FX_QUOTA_EXCEEDED)
                || message.contains("no space left") || message.contains("quota")) {
            return new LifeboatException(ExitCode.REPOSITORY, "the SFTP server " + where + " is full (no space left"
                    + " or over quota) while " + action + "; free space there or choose another repository", e);
        }
        if (isStatus(e, SftpConstants.SSH_FX_PERMISSION_DENIED, SftpConstants.SSH_FX_WRITE_PROTECT)) {
            return new LifeboatException(ExitCode.REPOSITORY, "permission denied on " + where + " while " + action
                    + "; let user '" + location.user() + "' read and write that folder on the server (owner and"
                    + " mode), or choose another path", e);
        }
        if (e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_FILE || e.getStatus() == SftpConstants.SSH_FX_NO_SUCH_PATH
                || e.getStatus() == SftpConstants.SSH_FX_NOT_A_DIRECTORY) {
            return new LifeboatException(ExitCode.NOT_FOUND, "a folder on the way to '" + location.root() + "' is"
                    + " missing or is a file on " + where + " while " + action + "; fix the path in the repository"
                    + " URL (one slash after the host is relative to the login folder, two make it absolute)", e);
        }
        return new LifeboatException(ExitCode.REPOSITORY, "the SFTP server " + where + " refused " + action + " ("
                + SftpConstants.getStatusName(e.getStatus()) + ": " + firstLine(e) + "); check the path and the"
                + " server's logs", e);
    }

    private static String seconds(java.time.Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }
}
