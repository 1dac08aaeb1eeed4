package dev.lifeboat.source.postgres;

import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.source.EngineFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Extracts a base backup's tar stream into a data directory as the stream is written to it, the file
 * data past the page cache ({@link DirectWriter}); stock tar, which wrote through the cache, took twice
 * as long. A base backup of a cluster without extra tablespaces holds regular files and folders only,
 * all inside the data directory: anything else (a link, a device, a name climbing out of the
 * directory, a damaged header) is refused as a corrupted or tampered backup before it is written.
 * Files are made 0600 and folders 0700, as every file Lifeboat makes.
 */
public final class TarExtractor extends OutputStream {
    private final Path dir;
    private final DirectWriter files;
    /** The folders this extraction made (one a database, and a few dozen more), so each is made once. */
    private final Set<Path> madeFolders = new HashSet<>();
    private final TarWalker walker = new TarWalker(new Members());

    public TarExtractor(Path dir) throws IOException {
        this(dir, true);
    }

    /** @param pastCache false to write through the page cache, as on a file system without O_DIRECT */
    TarExtractor(Path dir, boolean pastCache) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.files = new DirectWriter(this.dir, pastCache);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    /** A name given twice (to files, or to a file and a folder) is never overwritten: its second making fails. */
    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        try {
            walker.feed(bytes, offset, length);
        } catch (FileAlreadyExistsException e) {
            throw twice(e);
        }
    }

    /**
     * Checks that the stream reached the archive's end: a stream cut short inside a member, or before the
     * end blocks, is not a whole data directory. Then waits until every file is written.
     */
    public void finish() throws IOException {
        if (!walker.ended()) {
            throw tampered("its tar stream ends before the archive does");
        }
        try {
            files.end();
        } catch (FileAlreadyExistsException e) {
            throw twice(e);
        }
    }

    private Path inside(String name) {
        try {
            Path target = dir.resolve(name).normalize();
            if (!name.startsWith("/") && target.startsWith(dir)) {
                return target;
            }
        } catch (InvalidPathException e) {
            // a NUL in the name
        }
        throw tampered("it names " + name + ", outside the data directory");
    }

    private void folder(Path path) throws IOException {
        if (path.equals(dir) || madeFolders.contains(path)) {
            return;
        }
        folder(path.getParent());
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(path, DurableFiles.privateFolder());
        }
        madeFolders.add(path);
    }

    private EngineFailure twice(FileAlreadyExistsException e) {
        return tampered("it holds " + (e.getFile() == null ? "a name" : dir.relativize(Path.of(e.getFile())))
                + " twice");
    }

    private static EngineFailure tampered(String what) {
        return EngineFailure.content("the base backup cannot be extracted: " + what + "; the backup is corrupted"
                + " or tampered; restore an older backup and run 'lifeboat verify all'");
    }

    /** The members as the walk meets them: what a data directory never holds is refused before it is written. */
    private final class Members implements TarWalker.Members {
        /** Whether the started member is a file whose content is being written (a folder's is skipped). */
        private boolean writing;

        @Override
        public void start(TarHeader member) throws IOException {
            Path target = inside(member.name());
            if (member.isDirectory()) {
                folder(target);
            } else if (member.isFile()) {
                if (target.equals(dir)) {
                    throw tampered("it holds a file named '" + member.name() + "', the data directory itself");
                }
                folder(target.getParent());
                files.open(target, member.size(), member.modifiedSeconds());
                writing = true;
            } else {
                throw tampered("it holds " + member.name() + " of tar type '" + member.type() + "', which a data"
                        + " directory without extra tablespaces never has");
            }
        }

        @Override
        public void content(byte[] bytes, int offset, int length) throws IOException {
            if (writing) {
                files.write(bytes, offset, length);
            }
        }

        @Override
        public void end() throws IOException {
            if (writing) {
                writing = false;
                files.finish();
            }
        }

        @Override
        public void damaged() {
            throw tampered("it holds a damaged tar header");
        }
    }

    /** Closes a file left open by a failure; what was extracted stays for the caller to remove. */
    @Override
    public void close() throws IOException {
        files.close();
    }
}
