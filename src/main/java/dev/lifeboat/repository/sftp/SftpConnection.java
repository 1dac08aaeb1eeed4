package dev.lifeboat.repository.sftp;

import java.io.IOException;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;

/**
 * One authenticated session with its SFTP channel, and which OpenSSH extensions the server offers.
 *
 * @param posixRename {@code posix-rename@openssh.com}: a rename that atomically replaces the target
 * @param fsync       {@code fsync@openssh.com}: a file's bytes forced to disk before it is renamed
 */
record SftpConnection(ClientSession session, SftpClient sftp, boolean posixRename, boolean fsync)
        implements AutoCloseable {
    boolean isOpen() {
        return session.isOpen() && sftp.isOpen() && !sftp.isClosing();
    }

    @Override
    public void close() {
        try {
            sftp.close();
        } catch (IOException e) {
            // the session goes next anyway
        }
        session.close(true);
    }
}
