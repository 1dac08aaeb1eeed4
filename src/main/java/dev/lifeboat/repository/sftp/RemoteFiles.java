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

    /**
     * The attributes of {@code path} itself (a link is not followed), or empty when it does not
     * exist. An answer without a single attribute counts as none: MINA's server gives one for a
     * path through a file, where OpenSSH says "no such file".
     */
    static Optional<Attributes> lstat(SftpClient sftp, String path) throws IOException {
        return existing(() -> sftp.lstat(path));
    }

    /** As {@link #lstat}, following links: for the repository's root and the folders above it. */
    static Optional<Attributes> stat(SftpClient sftp, String path) throws IOException {
        return existing(() -> sftp.stat(path));
    }

    private interface AttributesCall {
        Attributes get() throws IOException;
    }

    private static Optional<Attributes> existing(AttributesCall call) throws IOException {
        try {
            Attributes attributes = call.get();
            return attributes.getFlags().isEmpty() ? Optional.empty() : Optional.of(attributes);
        } catch (SftpException e) {
            if (SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Creates {@code path} exclusively (never an existing file) with mode 0600, making missing
     * folders (0700) on the way, up from {@code root} (the repository's folder, whose own links are
     * followed). The mode is set on the handle before any byte is written, as an SFTP open cannot
     * carry it through MINA's client.
     */
    static CloseableHandle createNew(SftpClient sftp, String path, String root) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                CloseableHandle handle = sftp.open(path,
                        EnumSet.of(OpenMode.Write, OpenMode.Create, OpenMode.Exclusive));
                sftp.setStat(handle, new Attributes().perms(FILE_MODE));
                return handle;
            } catch (SftpException e) {
                if (attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
                if (isFolder(sftp, parent(path), root)) {
                    // Missing at the open but there now: a racing writer made it (the first locks of a
                    // new repository); anything else refused with the folder in place is final.
                    if (!SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE,
                            SftpConstants.SSH_FX_NO_SUCH_PATH)) {
                        throw e;
                    }
                    continue;
                }
                makeFolders(sftp, parent(path), root);
            }
        }
    }

    /** {@code mkdir -p} with mode 0700 for the folders it makes; a file on the way is named. */
    static void makeFolders(SftpClient sftp, String dir, String root) throws IOException {
        if (dir.isEmpty() || dir.equals("/") || dir.equals(".") || isFolder(sftp, dir, root)) {
            return;
        }
        makeFolders(sftp, parent(dir), root);
        try {
            sftp.mkdir(dir);
        } catch (SftpException e) {
            if (isFolder(sftp, dir, root)) {
                return; // a racing writer made it
            }
            throw e;
        }
        sftp.setStat(dir, new Attributes().perms(DIR_MODE));
    }

    /** True for a folder, false when nothing is there; something else there is refused. */
    private static boolean isFolder(SftpClient sftp, String dir, String root) throws IOException {
        boolean inside = !(root.equals(dir) || root.startsWith(dir.endsWith("/") ? dir : dir + "/"));
        Optional<Attributes> found = inside ? lstat(sftp, dir) : stat(sftp, dir);
        if (found.isPresent() && !found.get().isDirectory()) {
            throw new SftpException(SftpConstants.SSH_FX_NOT_A_DIRECTORY, dir + " is not a folder");
        }
        return found.isPresent();
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

    /** Removes a folder if it is empty; false when it is not, or is not there, or the server refuses. */
    static boolean removeEmptyFolder(SftpClient sftp, String path) {
        try {
            sftp.rmdir(path);
            return true;
        } catch (IOException e) {
            return false;
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
