package dev.lifeboat.repository.sftp;

import dev.lifeboat.repository.store.ForeignObject;
import java.io.IOException;
import java.util.Optional;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;

/**
 * Refuses keys whose folders inside the repository are links, as a folder store does: nothing is
 * read, written or deleted through a link someone planted. Each folder on the way is looked at
 * itself (LSTAT), one request per level: a server's REALPATH would be one request, but not every
 * server resolves links in it (MINA's does not), so it proves nothing.
 */
final class RealFolders {
    private final SftpLocation location;

    RealFolders(SftpLocation location) {
        this.location = location;
    }

    /**
     * Refuses {@code key} (or a listing prefix) when a folder on the way to it, inside the
     * repository, is a link. A folder that is missing, or a file, ends the check: nothing is
     * reached through it.
     */
    void require(SftpClient sftp, String key) throws IOException {
        for (int slash = key.indexOf('/'); slash > 0; slash = key.indexOf('/', slash + 1)) {
            String folder = key.substring(0, slash);
            Optional<Attributes> found = RemoteFiles.lstat(sftp, location.path(folder));
            if (found.isPresent() && found.get().isSymbolicLink()) {
                throw ForeignObject.throughLink(folder);
            }
            if (found.isEmpty() || !found.get().isDirectory()) {
                return;
            }
        }
    }
}
