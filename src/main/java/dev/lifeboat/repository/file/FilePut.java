package dev.lifeboat.repository.file;

import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.EarlyWriteback;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * An object written to a temp name beside its target (created private with {@code O_EXCL}, so
 * never through a planted link); commit fsyncs it, renames it over the target and fsyncs the folder.
 */
final class FilePut implements Store.Pending {
    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final EarlyWriteback writeback;
    private boolean committed;

    FilePut(Path target) throws IOException {
        this.target = target;
        this.temp = DurableFiles.tempSibling(target);
        this.channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                DurableFiles.privateFile());
        this.writeback = new EarlyWriteback(channel, EarlyWriteback.EVERY);
    }

    @Override
    public OutputStream stream() {
        return writeback;
    }

    @Override
    public void commit() throws IOException {
        writeback.settle();
        channel.force(true);
        channel.close();
        DurableFiles.moveDurably(temp, target);
        committed = true;
    }

    @Override
    public void close() {
        if (committed) {
            return;
        }
        writeback.settle();
        try {
            channel.close();
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // The temp name carries this process's pid: once it is gone, the next run removes the file.
        }
    }
}
