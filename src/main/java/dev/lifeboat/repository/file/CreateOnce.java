package dev.lifeboat.repository.file;

import dev.lifeboat.repository.DurableFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** A file store's put-if-absent: the file appears whole, and at most once, even with writers on other hosts. */
final class CreateOnce {
    private CreateOnce() {
    }

    /**
     * Creates {@code target} whole with {@code content} unless it exists: the complete file appears
     * under its name at once (a hard link of a fsynced temp file), and of two processes creating
     * it at the same time exactly one succeeds. Returns false when it already existed.
     */
    static boolean create(Path target, byte[] content) throws IOException {
        Path temp = DurableFiles.tempSibling(target);
        try {
            try (FileChannel channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE), DurableFiles.privateFile())) {
                channel.write(ByteBuffer.wrap(content));
                channel.force(true);
            }
            try {
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | FileSystemException e) {
                if (Files.exists(target)) {
                    return false;
                }
                // A file system without hard links: a rename that refuses an existing target comes closest.
                Files.move(temp, target);
            }
            DurableFiles.syncDirectory(target.toAbsolutePath().getParent());
            return true;
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
