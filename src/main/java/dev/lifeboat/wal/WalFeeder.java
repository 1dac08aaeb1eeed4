package dev.lifeboat.wal;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.source.postgres.PostgresOsUser;
import dev.lifeboat.source.postgres.WalNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Answers restore_command from the restore that started the cluster, so recovery does not start
 * a JVM per file: the shell of {@link #restoreCommand} leaves {@code NAME.want} in the spool and
 * waits; this puts the file there (checked as {@link WalFetch} checks it), or {@code NAME.absent}
 * when it was never archived, or {@code NAME.fallback} when it cannot (a gap, damage, a store
 * error), and the shell then runs wal-fetch, which reports it as it always does. After a segment
 * it fetches the next few ahead. While no feeder runs (no {@code --start}, or this process
 * ended), the shell runs wal-fetch itself.
 */
final class WalFeeder implements AutoCloseable {
    static final String PID = ".feeder";
    private static final String STAGING = ".staging";
    private static final String AGAIN = ".again";
    private static final int AHEAD = 8;
    /** How often the archive is listed again at most, to see segments arriving while recovery runs. */
    private static final long LISTING_AGE = TimeUnit.SECONDS.toNanos(1);
    private final Repository repository;
    private final String systemId;
    private final Decryption given;
    private final Path spool;
    private final long segmentSize;
    private final PostgresOsUser user;
    private final WalFetch fetch = new WalFetch();
    /** What recovery waits for; never queued behind the work done ahead of it. */
    private final ExecutorService asked = Executors.newSingleThreadExecutor(DaemonThreads.named("lifeboat-wal-asked"));
    private final ExecutorService ahead = Executors.newFixedThreadPool(2, DaemonThreads.named("lifeboat-wal-feeder"));
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    private final Thread watcher;
    private volatile boolean closed;
    private volatile Set<String> archived = Set.of();
    /** The newest segment recovery asked for or was sent ahead, on the timeline it follows. */
    private volatile String frontier;
    private volatile long listedAt;

    private WalFeeder(Repository repository, String systemId, Decryption given, Path spool, long segmentSize,
                      PostgresOsUser user) {
        this.repository = repository;
        this.systemId = systemId;
        this.given = given;
        this.spool = spool;
        this.segmentSize = segmentSize;
        this.user = user;
        this.watcher = DaemonThreads.named("lifeboat-wal-requests").newThread(this::watch);
    }

    /**
     * The shell restore_command that asks a running feeder first and otherwise runs {@code fetchCommand}
     * (which must take %f and %p), for a server whose working directory is the data directory. Timeline 1
     * never has a history file, yet a promotion from it asks for one: that answer needs nobody.
     */
    static String restoreCommand(String fetchCommand) {
        String s = WalFetch.SPOOL;
        return "s=" + s + "; f=%f; if [ $f = 00000001.history ]; then exit 1; fi;"
                + " if [ -f $s/" + PID + " ] && [ ! -f $s/$f ]; then : > $s/$f.want; p=$(cat $s/" + PID
                + "); while [ ! -f $s/$f ] && [ ! -f $s/$f.absent ] && [ ! -f $s/$f.fallback ] && [ -d /proc/$p ]"
                + " && [ -f $s/" + PID + " ];"
                + " do sleep 0.01 2>/dev/null || sleep 1; done; rm -f $s/$f.fallback $s/$f.want;"
                + " if [ -f $s/$f.absent ]; then rm -f $s/$f.absent; exit 1; fi; fi;"
                + " if [ -f $s/$f ]; then mv -f $s/$f %p; else " + fetchCommand + "; fi";
    }

    /** Starts answering for the cluster in {@code dataDir}, with the first segments from {@code startWal} on their way. */
    static WalFeeder start(Repository repository, String systemId, Decryption given, Path dataDir, String startWal,
                           long segmentSize, PostgresOsUser user) throws IOException {
        Path spool = dataDir.resolve(WalFetch.SPOOL);
        DurableFiles.createPrivateDirectories(spool.resolve(STAGING));
        user.own(spool);
        WalFeeder feeder = new WalFeeder(repository, systemId, given, spool, segmentSize, user);
        feeder.refreshListing();
        feeder.request(startWal);
        feeder.watcher.start();
        Files.writeString(spool.resolve(PID), Long.toString(ProcessHandle.current().pid()));
        return feeder;
    }

    /**
     * Places every timeline history file ahead: recovery reads them when it chooses its timeline and again
     * at promotion. They are tiny, but each is a fetch: this waits until the server was started, which the
     * fetches would slow down on a small machine.
     */
    void historiesAhead() {
        archived.stream().filter(WalNames::isHistory).forEach(h -> once(h, ahead, () -> serve(h)));
    }

    /** Watches for requests until closed; if watching fails, the shell is sent to wal-fetch instead. */
    private void watch() {
        while (!closed) {
            try (var files = Files.list(spool)) {
                int waiting = 0;
                for (Path file : files.toList()) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(".want")) {
                        Files.deleteIfExists(file);
                        request(name.substring(0, name.length() - ".want".length()));
                    } else if (WalNames.isSegment(name)) {
                        waiting++;
                    }
                }
                keepAhead(waiting);
                Thread.sleep(5);
            } catch (IOException | RuntimeException e) {
                giveUp();
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Recovery asked for {@code name} (or will first): it is placed, or said to be absent, before anything ahead. */
    private void request(String name) {
        if (WalNames.isArchivable(name)) {
            once(name, asked, () -> serve(name));
        }
    }

    /** Runs {@code work} for {@code name} on one of {@code workers}, unless one already works on that name. */
    private void once(String name, ExecutorService workers, Runnable work) {
        if (busy.add(name)) {
            workers.execute(() -> {
                try {
                    work.run();
                } finally {
                    busy.remove(name);
                }
            });
        }
    }

    private void serve(String name) {
        try {
            if (!Files.exists(spool.resolve(name)) && !place(name)) {
                mark(name + ".absent");
            } else if (WalNames.isSegment(name)) {
                follow(name);
            }
        } catch (IOException | RuntimeException e) {
            mark(name + ".fallback");
        }
    }

    /** Recovery asked for {@code segment}: the segments ahead follow its timeline, from it on. */
    private synchronized void follow(String segment) {
        String from = frontier;
        if (from == null || WalNames.timeline(from) != WalNames.timeline(segment) || segment.compareTo(from) > 0) {
            frontier = segment;
        }
    }

    /** Fetches an archived file into the spool, whole and PostgreSQL's, or says it was never archived. */
    private boolean place(String name) throws IOException {
        Path staged = spool.resolve(STAGING).resolve(name);
        Path again = spool.resolve(STAGING).resolve(name + AGAIN);
        if (Files.exists(again)) {
            Files.move(again, staged, StandardCopyOption.ATOMIC_MOVE);
        } else if (fetch.fetch(repository, systemId, name, staged, given) == WalFetch.Outcome.NOT_ARCHIVED) {
            return false;
        } else if (isLastArchived(name)) {
            Files.copy(staged, again);
        }
        user.give(staged);
        Files.move(staged, spool.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    /**
     * Recovery asks for the last archived segment twice: once to replay it, and again at its end, to
     * start the new timeline from it. The second time it is served from a copy kept in the staging
     * folder, a copy of 16 MB in the page cache instead of a fetch, decryption and sync; the copy goes
     * with the spool when the restore ends.
     */
    private boolean isLastArchived(String name) {
        return WalNames.isSegment(name) && !archived.contains(next(name));
    }

    private String next(String segment) {
        return WalNames.segmentName(WalNames.timeline(segment), WalNames.segmentNumber(segment, segmentSize) + 1,
                segmentSize);
    }

    /**
     * Keeps up to {@link #AHEAD} segments after the newest one recovery asked for waiting in the spool,
     * on that segment's timeline, so that PostgreSQL mostly takes them without asking.
     */
    private synchronized void keepAhead(int waiting) throws IOException {
        String from = frontier;
        if (from == null || waiting + busy.size() >= AHEAD) {
            return;
        }
        String next = next(from);
        if (!archived.contains(next)) {
            if (System.nanoTime() - listedAt < LISTING_AGE) {
                return;
            }
            refreshListing();
            if (!archived.contains(next)) {
                return;
            }
        }
        frontier = next;
        once(next, ahead, () -> sendAhead(next));
    }

    private void sendAhead(String segment) {
        try {
            if (!Files.exists(spool.resolve(segment))) {
                place(segment);
            }
        } catch (IOException | RuntimeException e) {
            // PostgreSQL asks for it, and then it is fetched (or reported) on its own
        }
    }

    private void refreshListing() throws IOException {
        listedAt = System.nanoTime();
        archived = new HashSet<>(repository.wal().names(systemId));
    }

    private void mark(String marker) {
        try {
            Files.write(spool.resolve(marker), new byte[0]);
        } catch (IOException e) {
            giveUp();
        }
    }

    /** Without the pid file, waiting shells stop waiting and every later one runs wal-fetch. */
    private void giveUp() {
        try {
            Files.deleteIfExists(spool.resolve(PID));
        } catch (IOException e) {
            // the shell also stops waiting once this process has ended
        }
    }

    /** Stops answering (the shell then runs wal-fetch) and removes the spool with what recovery did not take. */
    @Override
    public void close() throws IOException {
        closed = true;
        Files.deleteIfExists(spool.resolve(PID));
        watcher.interrupt();
        asked.shutdownNow();
        ahead.shutdownNow();
        try {
            asked.awaitTermination(10, TimeUnit.SECONDS);
            ahead.awaitTermination(10, TimeUnit.SECONDS);
            watcher.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var paths = Files.walk(spool)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
