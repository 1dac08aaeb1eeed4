package dev.lifeboat.cli;

import dev.lifeboat.DaemonThreads;
import dev.lifeboat.repository.DurableFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Runs PostgreSQL's archive_command in a Lifeboat that is already running, so that archiving a WAL
 * file starts no JVM. A base backup serves while it runs: the server must archive the backup's last
 * segment before the backup can end, and a JVM started for it would cost a second of the backup.
 *
 * <p>The launcher of a {@code wal-push} by the same OS user hands its command line over through a
 * private folder, {@code ${LIFEBOAT_RUNTIME_DIR:-/dev/shm}/lifeboat-wal-push-UID} (0700), in which
 * {@code server.pid} names the serving process. It writes {@code PID.want}, PID being its own
 * process: a version line, its working directory, then its arguments, one per line. The server
 * takes it ({@code PID.taken}), compares the variables Lifeboat reads in that process's environment
 * ({@code /proc/PID/environ}: no secret is ever written down) with its own, and answers
 * {@code ID.ok}, holding what wal-push printed, only once the file is durable in every repository.
 * For anything else it answers {@code ID.no} and the launcher starts Java as it always did, which
 * reports any failure in its usual way: a server never answers with a failure of its own.
 *
 * <p>Only the same user can write requests, so the server does nothing that user could not do.
 * A request whose environment differs from the server's, or that needs a secret of its own
 * process (a passphrase), is declined, so a served request behaves exactly as in its own JVM.
 */
final class WalPushServer implements AutoCloseable {
    static final String VERSION = "lifeboat-wal-push 1";
    private static final long EVERY_MILLIS = 5;
    private static final java.time.Duration FINISH = java.time.Duration.ofSeconds(10);
    private static final long UID = new com.sun.security.auth.module.UnixSystem().getUid();
    private static final Set<String> VARIABLES = Set.of("HOME", "TMPDIR", "USER", "XDG_STATE_HOME");
    private final Path dir;
    private final Path pidFile;
    private final Map<String, String> env;
    private final AtomicInteger served = new AtomicInteger();
    private final Thread thread;
    private volatile boolean open = true;

    private WalPushServer(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.pidFile = dir.resolve("server.pid");
        this.env = Map.copyOf(env);
        this.thread = DaemonThreads.named("lifeboat-wal-push-server").newThread(this::serve);
    }

    /** The private folder of this user's hand-offs. */
    static Path folder(Map<String, String> env) {
        return Path.of(env.getOrDefault("LIFEBOAT_RUNTIME_DIR", "/dev/shm")).resolve("lifeboat-wal-push-" + UID);
    }

    /**
     * Serves from now until {@link #close}; empty when another live process of this user serves, or
     * when no private folder can be had (one that another user made, or others may read or write).
     */
    static Optional<WalPushServer> start(Map<String, String> env) {
        Path dir = folder(env);
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, DurableFiles.privateFolder());
            }
            Map<String, Object> folder = Files.readAttributes(dir, "unix:uid,mode,isDirectory", LinkOption.NOFOLLOW_LINKS);
            if (!Boolean.TRUE.equals(folder.get("isDirectory")) || (Integer) folder.get("uid") != UID
                    || ((Integer) folder.get("mode") & 077) != 0) {
                return Optional.empty();
            }
            WalPushServer server = new WalPushServer(dir, env);
            if (!server.claim()) {
                return Optional.empty();
            }
            server.thread.start();
            return Optional.of(server);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // archive_command starts Java, as without a server
        }
    }

    /** How many requests were served (answered ok). */
    int served() {
        return served.get();
    }

    /** Writes server.pid whole and only when no live process holds it; leftovers of an earlier server go. */
    private boolean claim() throws IOException {
        for (int attempt = 0; attempt < 2; attempt++) {
            Path temp = dir.resolve("server.pid." + ProcessHandle.current().pid());
            writePrivate(temp, ProcessHandle.current().pid() + "\n");
            try {
                Files.createLink(pidFile, temp);
                removeAnswers();
                return true;
            } catch (FileAlreadyExistsException e) {
                Optional<Long> holder = holder();
                if (holder.isPresent() && ProcessHandle.of(holder.get()).map(ProcessHandle::isAlive).orElse(false)) {
                    return false;
                }
                Files.deleteIfExists(pidFile);
            } finally {
                Files.deleteIfExists(temp);
            }
        }
        return false;
    }

    private Optional<Long> holder() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void serve() {
        while (open) {
            try (var files = Files.list(dir)) {
                for (Path want : files.filter(p -> p.getFileName().toString().endsWith(".want")).toList()) {
                    take(want);
                }
                Thread.sleep(EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                close(); // launchers see server.pid gone and start Java
            }
        }
    }

    private void take(Path want) throws IOException {
        String name = want.getFileName().toString();
        String id = name.substring(0, name.length() - ".want".length());
        Path taken = dir.resolve(id + ".taken");
        if (!id.matches("[0-9]+")) {
            Files.deleteIfExists(want);
            return;
        }
        try {
            Files.move(want, taken, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return; // its launcher gave up waiting and runs it itself
        }
        Optional<String> printed = run(id, Files.readAllLines(taken, StandardCharsets.UTF_8));
        answer(id, printed.isPresent() ? ".ok" : ".no", printed.orElse(""));
        Files.deleteIfExists(taken);
        printed.ifPresent(p -> served.incrementAndGet());
    }

    /** What wal-push printed when it archived the file, or empty for anything the launcher must run itself. */
    private Optional<String> run(String id, List<String> request) {
        if (request.size() < 4 || !request.get(0).equals(VERSION) || !request.get(2).equals("wal-push")
                || !Path.of(request.get(1)).isAbsolute() || !sameEnvironment(id)) {
            return Optional.empty();
        }
        String[] args = request.subList(2, request.size()).toArray(String[]::new);
        StringWriter printed = new StringWriter();
        try (Services services = new Services(env, InputStream.nullInputStream(), OutputStream.nullOutputStream());
             PrintWriter err = new PrintWriter(printed)) {
            CommandLine cli = Main.commandLine(new CommandFactory(services), args);
            PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
            ((Main) cli.getCommand()).output.install(cli, services, nowhere);
            cli.setOut(nowhere);
            cli.setErr(err);
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            if (!parsed.hasSubcommand() || !(parsed.subcommand().commandSpec().userObject() instanceof WalPushCommand
                    push)) {
                return Optional.empty();
            }
            Optional<WalPushCommand> resolved = push.resolvedAgainst(Path.of(request.get(1)));
            if (resolved.isEmpty() || resolved.get().call() != 0) {
                return Optional.empty();
            }
            err.flush();
            return Optional.of(printed.toString());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private void answer(String id, String kind, String text) throws IOException {
        Path temp = dir.resolve(id + kind + ".tmp");
        writePrivate(temp, text);
        Files.move(temp, dir.resolve(id + kind), StandardCopyOption.ATOMIC_MOVE); // one folder: always atomic
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, DurableFiles.privateFile());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** Answers no launcher waits for any more: those of an earlier server, or left at close. */
    private void removeAnswers() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(p -> p.getFileName().toString().matches(".*\\.(ok|no|taken|tmp)")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Whether the launcher {@code id} (its pid) sees the variables Lifeboat reads exactly as this process does. */
    private boolean sameEnvironment(String id) {
        try {
            Map<String, String> theirs = new java.util.HashMap<>();
            for (String entry : new String(Files.readAllBytes(Path.of("/proc", id, "environ")), StandardCharsets.UTF_8)
                    .split("\0")) {
                int equals = entry.indexOf('=');
                if (equals > 0) {
                    theirs.put(entry.substring(0, equals), entry.substring(equals + 1));
                }
            }
            return lifeboatVariables(theirs).equals(lifeboatVariables(env));
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    private static Map<String, String> lifeboatVariables(Map<String, String> env) {
        return env.entrySet().stream().filter(e -> e.getKey().startsWith("LIFEBOAT_") || e.getKey().startsWith("AWS_")
                || VARIABLES.contains(e.getKey())).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    /**
     * Stops taking requests; one being archived is finished first (for at most {@link #FINISH}), as a
     * push cut short would only be done again by its launcher's own JVM.
     */
    @Override
    public void close() {
        if (!open) {
            return;
        }
        open = false;
        if (Thread.currentThread() != thread) {
            try {
                thread.join(FINISH.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            if (holder().filter(pid -> pid == ProcessHandle.current().pid()).isPresent()) {
                Files.deleteIfExists(pidFile);
            }
            removeAnswers();
        } catch (IOException | RuntimeException e) {
            // launchers see this process gone and start Java
        }
    }
}
