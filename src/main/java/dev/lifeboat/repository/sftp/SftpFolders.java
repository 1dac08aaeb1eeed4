package dev.lifeboat.repository.sftp;

import dev.lifeboat.repository.store.FolderListing;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * The folders of an SFTP repository as {@link FolderListing} reads them. Each folder is read page
 * by page (SFTP's READDIR answers in batches, OpenSSH's of 100 names), so any number of objects can
 * be listed; the attributes a server sends with the names are those of the entries themselves
 * (OpenSSH lstat()s them), so a link is seen as a link and never followed.
 */
final class SftpFolders implements FolderListing.Folders {
    private final SftpLocation location;
    private final SftpClient sftp;

    /** Whether the folder a listing starts from is reached without a link is for the caller to check. */
    SftpFolders(SftpLocation location, SftpClient sftp) {
        this.location = location;
        this.sftp = sftp;
    }

    @Override
    public List<FolderListing.Entry> entries(String dir) throws IOException {
        List<FolderListing.Entry> entries = new ArrayList<>();
        String key = dir.isEmpty() ? "" : dir.substring(0, dir.length() - 1);
        String path = location.path(key);
        try (CloseableHandle handle = sftp.openDir(path)) {
            for (List<DirEntry> page = sftp.readDir(handle); page != null; page = sftp.readDir(handle)) {
                for (DirEntry entry : page) {
                    if (!entry.getFilename().equals(".") && !entry.getFilename().equals("..")) {
                        entries.add(entry(entry.getFilename(), entry.getAttributes()));
                    }
                }
            }
        } catch (SftpException e) {
            // Servers differ in what they answer for a path through a file; nothing there is nothing to list.
            if (!SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH)
                    && RemoteFiles.stat(sftp, path).isPresent()) {
                throw e;
            }
        }
        return entries;
    }

    private static FolderListing.Entry entry(String name, Attributes attributes) {
        FolderListing.Kind kind = attributes.isRegularFile() ? FolderListing.Kind.FILE
                : attributes.isDirectory() ? FolderListing.Kind.FOLDER : FolderListing.Kind.OTHER;
        return new FolderListing.Entry(name, kind, attributes.getSize(), modified(attributes));
    }

    /** A server that sends no modification time (none in common use) gives the epoch. */
    static Instant modified(Attributes attributes) {
        return attributes.getModifyTime() == null ? Instant.EPOCH : attributes.getModifyTime().toInstant();
    }
}
