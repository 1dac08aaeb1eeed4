package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A throwaway PostgreSQL cluster for physical backups: initdb as the postgres OS user into a
 * folder under /tmp (1 MiB WAL segments, data checksums), a random port on 127.0.0.1, its unix
 * socket in that folder, and archive_command set to the Lifeboat jar under test (target/lifeboat.jar,
 * built by './mvnw -DskipTests package', as .ci/run does first) pushing into {@link #repo()},
 * encrypted for {@link #recipient()} only. Never touches the shared server on 5432.
 */
public final class PgCluster implements AutoCloseable {
    public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
    private final Path root;
    private final Path data;
    private final int port;
    private final String recipient;
    private final List<Path> extraServers = new ArrayList<>();

    private PgCluster(Path root, Path data, int port, String recipient) {
        this.root = root;
        this.data = data;
        this.port = port;
        this.recipient = recipient;
    }

    public static PgCluster start() throws IOException {
        Path jar = Path.of("target", "lifeboat.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            fail("these tests run archive_command with " + jar + "; build it first: ./mvnw -DskipTests package");
        }
        Path root = Files.createTempDirectory(Path.of("/tmp"), "lifeboat-pg-");
        Tools.ok("chown", "postgres:", root.toString());
        Path key = root.resolve("key.txt");
        Tools.ok("age-keygen", "-o", key.toString());
        Tools.ok("chown", "postgres:", key.toString());
        String recipient = Tools.ok("age-keygen", "-y", key.toString()).strip();
        Path launcher = root.resolve("lifeboat");
        Files.writeString(launcher, "#!/bin/sh\nexport LIFEBOAT_STATE_DIR=" + root.resolve("state")
                + " LIFEBOAT_SCRATCH_DIR=" + root.resolve("scratch") + "\nexec " + Path.of(System.getProperty(
                "java.home"), "bin", "java") + " -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar " + jar + " \"$@\"\n");
        Tools.ok("chmod", "755", launcher.toString());
        Path data = root.resolve("data");
        asPostgres(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust",
                "--data-checksums", "--wal-segsize=1", "--no-sync");
        int port = freePort();
        Files.writeString(data.resolve("postgresql.conf"), "\nport = " + port + "\nlisten_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = '" + root + "'\narchive_mode = on\n"
                // the fast form from the README: files pushed ahead are acknowledged by the shell alone
                + "archive_command = 'test -f lifeboat-archived/%f && rm lifeboat-archived/%f || " + launcher
                + " wal-push %p --push-ahead 8 --repo " + root.resolve("repo") + " --recipient " + recipient + "'\n"
                + "fsync = off\nshared_buffers = 16MB\nmax_wal_size = 64MB\n",
                java.nio.file.StandardOpenOption.APPEND);
        PgCluster cluster = new PgCluster(root, data, port, recipient);
        cluster.startServer(data);
        return cluster;
    }

    public Path root() {
        return root;
    }

    public Path data() {
        return data;
    }

    public int port() {
        return port;
    }

    public Path repo() {
        return root.resolve("repo");
    }

    public Path identityFile() {
        return root.resolve("key.txt");
    }

    public Path launcher() {
        return root.resolve("lifeboat");
    }

    public String recipient() {
        return recipient;
    }

    public String url() {
        return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
    }

    /** Runs a command as the postgres OS user; fails the test unless it exits 0. */
    public static String asPostgres(String... command) {
        List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        all.addAll(List.of(command));
        Tools.Output output = Tools.run(all, Map.of(), null);
        if (output.exit() != 0) {
            fail(String.join(" ", command) + " exited " + output.exit() + ": " + output.err() + output.out());
        }
        return output.out();
    }

    /** The Lifeboat under test, run as the postgres OS user (as a base backup on the database server runs). */
    public Tools.Output lifeboatAsPostgres(String... args) {
        List<String> all = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", launcher().toString()));
        all.addAll(List.of(args));
        return Tools.run(all, Map.of(), null);
    }

    /** A base backup of this cluster into {@link #repo()}; returns backup's --json document. */
    public String baseBackup() {
        Tools.Output output = lifeboatAsPostgres("backup", url(), "--physical", "--repo", repo().toString(),
                "--recipient", recipient, "--json");
        assertEquals(0, output.exit(), output.err() + output.out());
        return output.out();
    }

    public void startServer(Path dataDir) {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l",
                dataDir.resolveSibling(dataDir.getFileName() + ".log").toString(), "-w", "start");
        if (!dataDir.equals(data)) {
            extraServers.add(dataDir);
        }
    }

    public void stopServer(Path dataDir) {
        if (Files.exists(dataDir.resolve("postmaster.pid"))) {
            Tools.run(List.of("runuser", "-u", "postgres", "--", BIN.resolve("pg_ctl").toString(), "-D",
                    dataDir.toString(), "-m", "immediate", "stop"), Map.of(), null);
        }
    }

    public static Connection connect(int port) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
    }

    public Connection connect() throws SQLException {
        return connect(port);
    }

    public static String query(int port, String sql) throws SQLException {
        try (Connection conn = connect(port); Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    public void execute(String... statements) throws SQLException {
        try (Connection conn = connect(); Statement st = conn.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    /** Switches to a new WAL segment and waits until the archiver has pushed everything up to it. */
    public void archiveNow() throws SQLException, InterruptedException {
        String segment = query(port, "SELECT pg_walfile_name(pg_switch_wal())");
        for (int i = 0; i < 600; i++) {
            String last = query(port, "SELECT last_archived_wal FROM pg_stat_archiver");
            if (last != null && last.compareTo(segment) >= 0) {
                return;
            }
            Thread.sleep(100);
        }
        fail("the archiver did not push " + segment + "; see " + root.resolve("data.log"));
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A checksum of a table's rows, in key order, for comparing restored clusters. */
    public static String tableChecksum(int port, String table) throws SQLException {
        return query(port, "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '')"
                + " FROM " + table + " t");
    }

    @Override
    public void close() {
        extraServers.forEach(this::stopServer);
        stopServer(data);
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(Files.notExists(root));
    }
}
