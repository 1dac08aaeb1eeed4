package dev.lifeboat.repository.sftp;

import dev.lifeboat.repository.store.Store.StoredObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.client.SftpClient.DirEntry;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Walks the folders a prefix reaches. Each folder is read page by page (SFTP's READDIR answers in
 * batches, OpenSSH's of 100 names), so any number of objects can be listed. Links are neither
 * listed nor followed; temps are listed only when asked for.
 */
final class SftpListing {
    private final SftpLocation location;
    private final SftpClient sftp;
    private final boolean temps;
    private final List<StoredObject> found = new ArrayList<>();

    /** @param temps list the temp files of unfinished puts instead of the objects */
    SftpListing(SftpLocation location, SftpClient sftp, boolean temps) {
        this.location = location;
        this.sftp = sftp;
        this.temps = temps;
    }

    /** Everything whose key starts with {@code prefix}, in key order. */
    List<StoredObject> under(String prefix) throws IOException {
        walk(prefix.substring(0, prefix.lastIndexOf('/') + 1), prefix);
        found.sort(Comparator.comparing(StoredObject::key));
        return found;
    }

    /** @param dir a folder key, empty or ending in a slash */
    private void walk(String dir, String prefix) throws IOException {
        List<String> folders = new ArrayList<>();
        for (DirEntry entry : entries(dir)) {
            String name = entry.getFilename();
            String key = dir + name;
            Attributes attributes = entry.getAttributes();
            if (name.equals(".") || name.equals("..")) {
                continue;
            }
            if (attributes.isDirectory() && (key + "/").startsWith(prefix)) {
                folders.add(key + "/");
            } else if (attributes.isRegularFile() && key.startsWith(prefix) && StoreKeys.isTemp(key) == temps) {
                found.add(SftpStore.stored(key, attributes));
            }
        }
        for (String folder : folders) {
            walk(folder, prefix);
        }
    }

    /** One folder's entries, read page by page; none when it does not exist. */
    private List<DirEntry> entries(String dir) throws IOException {
        List<DirEntry> entries = new ArrayList<>();
        String path = location.path(dir.isEmpty() ? "" : dir.substring(0, dir.length() - 1));
        try (CloseableHandle handle = sftp.openDir(path)) {
            for (List<DirEntry> page = sftp.readDir(handle); page != null; page = sftp.readDir(handle)) {
                entries.addAll(page);
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
}
