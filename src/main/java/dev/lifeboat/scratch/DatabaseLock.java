package dev.lifeboat.scratch;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.ProcessOwner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Keeps two backups of the same database from running at once, across processes: a lock file,
 * named after the database's real path, in the {@code locks} folder of the scratch space. It is
 * created exclusively and names its owner (host, pid, process start); a lock whose owner is dead on
 * this host is taken over. Not an OS file lock: closing any descriptor of a file drops all of a
 * process's POSIX locks on it, which would make two holders inside one JVM (the daemon) unsafe.
 */
public final class DatabaseLock implements AutoCloseable {
    private static final long POLL_MILLIS = 200;
    private final Path file;
    private final String token;

    private DatabaseLock(Path file, String token) {
        this.file = file;
        this.token = token;
    }

    /**
     * Takes the lock of {@code database}, waiting up to {@code wait} (zero: not at all) for another
     * holder to finish; fails with a message naming the holder and both ways forward.
     */
    public static DatabaseLock acquire(ScratchSpace scratch, Path database, Duration wait, Clock clock) {
        Path file = lockFile(scratch.dir().resolve("locks"), database);
        Instant deadline = clock.instant().plus(wait);
        try {
            scratch.folder("locks");
            while (true) {
                String token = ProcessOwner.current().token() + " " + clock.instant() + " " + database;
                if (tryCreate(file, token)) {
                    return new DatabaseLock(file, token);
                }
                Optional<String> holder = read(file);
                if (holder.isPresent() && isDead(holder.get())) {
                    removeIfUnchanged(file, holder.get());
                    continue;
                }
                if (!clock.instant().isBefore(deadline)) {
                    throw new LifeboatException(ExitCode.SOURCE, "another backup of " + database + " is running ("
                            + holder.map(DatabaseLock::describe).orElse("holder unknown") + "); wait for it to"
                            + " finish, or let this one wait for it with lock-wait=SECONDS in the source");
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.FAILURE, "cannot create the lock file " + file + " ("
                    + e.getMessage() + "); set LIFEBOAT_SCRATCH_DIR to a writable folder", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifeboatException(ExitCode.FAILURE, "interrupted while waiting for the lock of " + database
                    + "; run the backup again", e);
        }
    }

    private static boolean tryCreate(Path file, String token) throws IOException {
        try (FileChannel channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), DurableFiles.privateFile())) {
            channel.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private static Optional<String> read(Path file) throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static boolean isDead(String token) {
        String[] parts = token.split(" ");
        return parts.length >= 3 && ProcessOwner.parse(parts[0] + " " + parts[1] + " " + parts[2])
                .map(ProcessOwner::isDeadOnThisHost).orElse(false);
    }

    /** Takes over a dead owner's lock, unless someone else took it over first. */
    private static void removeIfUnchanged(Path file, String stale) throws IOException {
        if (read(file).filter(stale::equals).isPresent()) {
            Files.deleteIfExists(file);
        }
    }

    private static String describe(String token) {
        String[] parts = token.split(" ");
        return parts.length >= 4 ? "host " + parts[0] + ", pid " + parts[1] + ", since " + parts[3]
                : "holder unknown";
    }

    static Path lockFile(Path dir, Path database) {
        Path real;
        try {
            real = database.toRealPath();
        } catch (IOException e) {
            real = database.toAbsolutePath().normalize();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(real.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve("db-" + HexFormat.of().formatHex(digest, 0, 12) + ".lock");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Releases the lock, unless a takeover already made it someone else's. */
    @Override
    public void close() {
        try {
            removeIfUnchanged(file, token);
        } catch (IOException e) {
            // Left behind; the next backup takes it over once this process is gone.
        }
    }
}
