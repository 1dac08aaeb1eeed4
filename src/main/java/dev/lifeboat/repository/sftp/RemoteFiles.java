package dev.lifeboat.repository.sftp;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.OpenMode;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/** The SFTP steps a store is made of, on server paths. */
final class RemoteFiles {
    static final int FILE_MODE = 0600;
    static final int DIR_MODE = 0700;
    /** A folder may vanish between being made and used (an empty one is pruned by a delete). */
    private static final int CREATE_ATTEMPTS = 3;

    private RemoteFiles() {
    }

    /** The attributes of {@code path} itself (a link is not followed), or empty when it does not exist. */
    static Optional<Attributes> lstat(SftpClient sftp, String path) throws IOException {
        try {
            return Optional.of(sftp.lstat(path));
        } catch (SftpException e) {
            if (SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Creates {@code path} exclusively (never an existing file) with mode 0600, making missing
     * folders (0700) on the way. The mode is set on the handle before any byte is written, as an
     * SFTP open cannot carry it through MINA's client.
     */
    static CloseableHandle createNew(SftpClient sftp, String path) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                CloseableHandle handle = sftp.open(path, EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Exclusive));
                sftp.setStat(handle, new Attributes().perms(FILE_MODE));
                return handle;
            } catch (SftpException e) {
                if (attempt == CREATE_ATTEMPTS || !SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE,
                        SftpConstants.SSH_FX_NO_SUCH_PATH)) {
                    throw e;
                }
                makeFolders(sftp, parent(path));
            }
        }
    }

    /** {@code mkdir -p} with mode 0700 for the folders it makes. */
    static void makeFolders(SftpClient sftp, String dir) throws IOException {
        if (dir.isEmpty() || dir.equals("/") || dir.equals(".")) {
            return;
        }
        try {
            sftp.mkdir(dir);
            sftp.setStat(dir, new Attributes().perms(DIR_MODE));
        } catch (SftpException e) {
            if (SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH)
                    && !parent(dir).isEmpty()) {
                makeFolders(sftp, parent(dir));
                makeFolders(sftp, dir);
                return;
            }
            // OpenSSH answers a plain failure for a folder that exists; a racing writer may have made it.
            if (!lstat(sftp, dir).map(Attributes::isDirectory).orElse(false)) {
                throw e;
            }
        }
    }

    /** Writes all of {@code content} through an open handle, in pieces every server takes. */
    static void writeAll(SftpClient sftp, CloseableHandle handle, byte[] content) throws IOException {
        for (int offset = 0; offset < content.length; offset += SftpClient.IO_BUFFER_SIZE) {
            sftp.write(handle, offset, content, offset, Math.min(SftpClient.IO_BUFFER_SIZE, content.length - offset));
        }
    }

    /** Up to {@code max} bytes from the start of a file (fewer when it is shorter). */
    static byte[] readUpTo(SftpClient sftp, String path, int max) throws IOException {
        try (CloseableHandle handle = sftp.open(path, OpenMode.Read)) {
            byte[] bytes = new byte[max];
            int filled = 0;
            while (filled < max) {
                int n = sftp.read(handle, filled, bytes, filled, Math.min(SftpClient.IO_BUFFER_SIZE, max - filled));
                if (n < 0) {
                    break;
                }
                filled += n;
            }
            return filled == max ? bytes : java.util.Arrays.copyOf(bytes, filled);
        }
    }

    static void fsyncIfOffered(SftpConnection connection, CloseableHandle handle) throws IOException {
        if (connection.fsync()) {
            connection.sftp().getExtension(OpenSSHFsyncExtension.class).fsync(handle);
        }
    }

    /**
     * Renames {@code from} over {@code to}: atomically with {@code posix-rename@openssh.com};
     * on a server without it (none in common use) by removing the target first, which leaves a
     * moment where neither is there.
     */
    static void replace(SftpConnection connection, String from, String to) throws IOException {
        SftpClient sftp = connection.sftp();
        if (connection.posixRename()) {
            sftp.getExtension(OpenSSHPosixRenameExtension.class).posixRename(from, to);
            return;
        }
        try {
            sftp.rename(from, to);
        } catch (SftpException e) {
            if (lstat(sftp, to).isEmpty()) {
                throw e;
            }
            sftp.remove(to);
            sftp.rename(from, to);
        }
    }

    /** Best effort: a failure leaves a leftover for the next cleanup. */
    static void removeQuietly(SftpClient sftp, String path) {
        try {
            sftp.remove(path);
        } catch (IOException e) {
            // gone already, or the connection is; either way a later sweep finds it
        }
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : slash == 0 ? "/" : path.substring(0, slash);
    }
}
