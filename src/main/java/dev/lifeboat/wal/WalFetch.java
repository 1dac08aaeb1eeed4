package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.crypto.BackupKey;
import dev.lifeboat.crypto.Decryptions;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.WalArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Brings one archived file back for PostgreSQL's restore_command: unsealed with both digests
 * checked, written beside {@code %p} and moved into place only when whole. A file the archive
 * never had is {@link Outcome#NOT_ARCHIVED} (the normal end of recovery); a segment that is
 * missing while later ones of its timeline are there is a gap, and a damaged one an integrity
 * failure: both must stop the recovery rather than end it early at the wrong point.
 */
public final class WalFetch {
    public enum Outcome { FETCHED, NOT_ARCHIVED }

    public Outcome fetch(Repository repository, String systemId, String name, Path destination, BackupKey key)
            throws IOException {
        return fetch(repository, systemId, name, destination, key.given());
    }

    /** @param given the key's decryption, used for files stored encrypted */
    public Outcome fetch(Repository repository, String systemId, String name, Path destination,
                         dev.lifeboat.pipeline.Decryption given) throws IOException {
        if (!WalNames.isArchivable(name)) {
            throw new LifeboatException(ExitCode.USAGE, "'" + name + "' is not a WAL file name; set restore_command"
                    + " = 'lifeboat wal-fetch %f %p …'");
        }
        WalArchive archive = repository.wal();
        Optional<WalArchive.Entry> entry = archive.entry(systemId, name);
        if (entry.isEmpty()) {
            if (WalNames.isSegment(name)) {
                requireNoLaterSegment(archive, systemId, name);
            }
            return Outcome.NOT_ARCHIVED;
        }
        WalArchive.Entry found = entry.get();
        Path temp = destination.resolveSibling(destination.getFileName() + ".lifeboat-part");
        try (InputStream stored = archive.open(found);
             OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE,
                     StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            Pipeline.unseal(stored, out, Compression.parse(found.compression().algorithm()),
                    Decryptions.forScheme(found.encryption().scheme(), given), found.seal(), n -> { });
        } catch (LifeboatException e) {
            Files.deleteIfExists(temp);
            if (e.exitCode() == ExitCode.INTEGRITY) {
                throw new LifeboatException(ExitCode.INTEGRITY, "WAL file " + name + " in " + archive.location()
                        + " is damaged: " + e.getMessage(), e);
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        DurableFiles.moveDurably(temp, destination);
        return Outcome.FETCHED;
    }

    /** Where prefetched segments wait, in the data directory being recovered; restore_command looks here first. */
    public static final String SPOOL = "lifeboat-prefetch";

    /**
     * Fetches the {@code count} segments after {@code name} on its timeline into {@code spool},
     * several at once, each checked as {@link #fetch} checks it and moved into place only when
     * whole, so restore_command can take them without starting Lifeboat again. Stops at the first
     * one not archived; a failure only means PostgreSQL asks for that segment itself.
     */
    public void prefetch(Repository repository, String systemId, String name, Path spool,
                         dev.lifeboat.pipeline.Decryption given, int count, long segmentSize) {
        if (count <= 0 || !WalNames.isSegment(name)) {
            return;
        }
        try {
            java.nio.file.Files.createDirectories(spool);
            java.util.Set<String> archived = new java.util.HashSet<>(repository.wal().names(systemId));
            long number = WalNames.segmentNumber(name, segmentSize);
            java.util.List<String> wanted = new java.util.ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String next = WalNames.segmentName(WalNames.timeline(name), number + i, segmentSize);
                if (!archived.contains(next)) {
                    break;
                }
                if (!Files.exists(spool.resolve(next))) {
                    wanted.add(next);
                }
            }
            wanted.parallelStream().forEach(next -> {
                try {
                    fetch(repository, systemId, next, spool.resolve(next), given);
                } catch (IOException | RuntimeException e) {
                    // PostgreSQL will ask for it, and then it is fetched (or reported) on its own
                }
            });
        } catch (IOException | RuntimeException e) {
            // prefetching is only ever a head start
        }
    }

    private static void requireNoLaterSegment(WalArchive archive, String systemId, String name) throws IOException {
        String timeline = name.substring(0, 8);
        Optional<String> later = archive.names(systemId).stream()
                .filter(n -> WalNames.isSegment(n) && n.startsWith(timeline) && n.compareTo(name) > 0).findFirst();
        if (later.isPresent()) {
            throw new LifeboatException(ExitCode.INTEGRITY, "WAL segment " + name + " is missing from "
                    + archive.location() + " although later ones (" + later.get() + ") are there; recovery stops"
                    + " here: restore the segment from another copy, or restore to a point before it");
        }
    }
}
