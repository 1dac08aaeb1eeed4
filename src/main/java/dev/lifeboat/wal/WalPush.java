package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.backup.EncryptionPolicy;
import dev.lifeboat.backup.EncryptionRequest;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.manifest.Seal;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.WalArchive;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Archives one file PostgreSQL hands its archive_command: compressed, encrypted and checksummed
 * through the pipeline into every repository, and acknowledged there (its record written) only
 * once the object is durable. Success is returned only when every repository holds it. The same
 * file pushed again is a success; a different file under a name a repository already holds is
 * refused, since it means two clusters (or two timelines' histories) collide there.
 */
public final class WalPush {
    private final Clock clock;

    public WalPush(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param file the file as PostgreSQL names it ({@code %p}), relative to the data directory
     * @param systemId the cluster's system identifier
     * @param form compression and encryption, the encryption already resolved against the pins
     * @param optional the locations of repositories that may miss a file (reported, not a failure)
     */
    public record Request(Path file, String systemId, List<Repository> repositories, StoredForm form,
                          java.util.Set<String> optional) {
        public Request {
            repositories = List.copyOf(repositories);
            optional = java.util.Set.copyOf(optional);
        }
    }

    /** Per repository: stored now, there already with the same content, or (optional ones) missed and why. */
    public record Result(String name, List<String> stored, List<String> alreadyThere, List<String> missed) {
    }

    /** What {@link #archive} did: the file PostgreSQL handed over, and the ready files pushed ahead of it. */
    public record Archived(Result result, List<String> ahead) {
    }

    /**
     * The whole of wal-push: seals for the repositories' pins (a request that would weaken one is
     * refused as for backups), pushes {@code file} and up to {@code pushAhead} other ready files,
     * then pins each required repository that had no pin yet, as a first backup does.
     *
     * @param optional the locations of repositories that may miss a file
     */
    public Archived archive(Path file, Path dataDir, List<Repository> repositories, java.util.Set<String> optional,
                            EncryptionRequest encryption, Compression compression, int level, int pushAhead)
            throws IOException {
        Encryption sealing = EncryptionPolicy.resolve(encryption, repositories, false);
        Request request = new Request(file, ClusterFiles.systemId(dataDir), repositories,
                new StoredForm(compression, level, sealing), optional);
        Result result = push(request);
        List<String> ahead = pushAhead(request, dataDir, pushAhead);
        for (Repository repository : repositories) {
            if (!optional.contains(repository.location())) {
                EncryptionPolicy.pinIfUnpinned(repository,
                        new Manifest.EncryptionInfo(sealing.scheme(), sealing.recipients()));
            }
        }
        return new Archived(result, ahead);
    }

    public Result push(Request request) throws IOException {
        String name = request.file().getFileName().toString();
        if (!WalNames.isArchivable(name)) {
            throw new LifeboatException(ExitCode.USAGE, "'" + name + "' is not a WAL file name PostgreSQL archives;"
                    + " set archive_command = 'lifeboat wal-push %p …' (with %p)");
        }
        if (!Files.isRegularFile(request.file())) {
            throw new LifeboatException(ExitCode.SOURCE, request.file() + " does not exist; run wal-push as"
                    + " archive_command from the data directory with %p");
        }
        List<String> stored = new ArrayList<>();
        List<String> already = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        for (Repository repository : request.repositories()) {
            try {
                WalArchive archive = repository.wal();
                Optional<WalArchive.Entry> existing = archive.entry(request.systemId(), name);
                if (existing.isPresent()) {
                    requireSame(request.file(), existing.get(), archive);
                    already.add(repository.location());
                    continue;
                }
                repository.create();
                store(request, name, archive);
                stored.add(repository.location());
            } catch (IOException | RuntimeException e) {
                if (!request.optional().contains(repository.location())) {
                    throw e;
                }
                missed.add(repository.location() + " (" + e.getMessage() + ")");
            }
        }
        return new Result(name, stored, already, missed);
    }

    /** Where wal-push marks files it archived ahead of PostgreSQL's asking, in the data directory. */
    public static final String ARCHIVED = "lifeboat-archived";

    /**
     * Archives up to {@code count} more files PostgreSQL has marked ready ({@code pg_wal/archive_status/*.ready}),
     * oldest first, and marks each one in {@code DATA/lifeboat-archived} only once every repository holds
     * it durably: archive_command then acknowledges it with the shell alone ({@code test -f
     * lifeboat-archived/%f && rm lifeboat-archived/%f || lifeboat wal-push %p …}). Returns the names marked.
     */
    public List<String> pushAhead(Request first, Path dataDir, int count) {
        List<String> marked = new java.util.concurrent.CopyOnWriteArrayList<>();
        if (count <= 0) {
            return marked;
        }
        try (var ready = Files.list(dataDir.resolve("pg_wal").resolve("archive_status"))) {
            Path markers = dataDir.resolve(ARCHIVED);
            Files.createDirectories(markers);
            String current = first.file().getFileName().toString();
            List<String> names = ready.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ready"))
                    .map(n -> n.substring(0, n.length() - ".ready".length()))
                    .filter(n -> WalNames.isArchivable(n) && !n.equals(current) && !Files.exists(markers.resolve(n)))
                    .sorted().limit(count).toList();
            names.parallelStream().forEach(name -> {
                try {
                    push(new Request(dataDir.resolve("pg_wal").resolve(name), first.systemId(),
                            first.repositories(), first.form(), first.optional()));
                    Path marker = markers.resolve(name);
                    Files.write(marker, new byte[0]);
                    dev.lifeboat.repository.DurableFiles.syncDirectory(markers);
                    marked.add(name);
                } catch (IOException | RuntimeException e) {
                    // PostgreSQL asks for it in its turn, and then it is pushed (or refused) on its own
                }
            });
        } catch (IOException | RuntimeException e) {
            // pushing ahead is only ever a head start
        }
        return marked;
    }

    private void store(Request request, String name, WalArchive archive) throws IOException {
        StoredForm form = request.form();
        String object = name + ".wal" + form.compression().extension() + form.encryption().extension();
        Seal seal;
        try (Store.Pending pending = archive.write(request.systemId(), name, object);
             InputStream plain = Files.newInputStream(request.file())) {
            seal = Pipeline.seal(plain, pending.stream(), form, n -> { });
            pending.commit();
        } catch (NoSuchFileException e) {
            throw new LifeboatException(ExitCode.SOURCE, request.file() + " vanished while it was archived; PostgreSQL"
                    + " will retry", e);
        }
        archive.acknowledge(new WalArchive.Entry(request.systemId(), name, object, seal,
                new Manifest.CompressionInfo(form.compression().label(), form.level()),
                new Manifest.EncryptionInfo(form.encryption().scheme(), form.encryption().recipients()),
                clock.instant()));
    }

    private static void requireSame(Path file, WalArchive.Entry existing, WalArchive archive) throws IOException {
        Seal local;
        try (InputStream in = Files.newInputStream(file)) {
            local = Pipeline.digest(in);
        }
        if (local.plainSize() != existing.seal().plainSize()
                || !local.plainSha256().equals(existing.seal().plainSha256())) {
            throw new LifeboatException(ExitCode.INTEGRITY, "WAL file " + existing.name() + " of system "
                    + existing.systemId() + " is already in " + archive.location() + " with different content;"
                    + " two clusters with the same system identifier archive into this repository (a copied data"
                    + " directory?): give each cluster its own repository");
        }
    }
}
