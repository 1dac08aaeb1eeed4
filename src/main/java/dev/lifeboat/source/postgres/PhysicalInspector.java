package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.source.Side;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.ArchivedWal;
import dev.lifeboat.source.Inspector;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies a base backup by starting it: the tar extracted into a private folder, the WAL from
 * its start to its end fetched from the archive into pg_wal, pg_verifybackup against the backup
 * manifest in the tar (with that WAL), a throwaway server started on a unix socket inside the
 * folder only (as the PostgreSQL OS user when run as root), amcheck on every B-tree index and
 * every table read in full (a page whose checksum fails names its file), a clean stop, and
 * pg_checksums --check when checksums are on. Everything is deleted afterwards.
 */
final class PhysicalInspector implements Inspector {
    private static final Pattern START = Pattern.compile("START WAL LOCATION: \\S+ \\(file ([0-9A-F]{24})\\)");
    private static final Pattern END = Pattern.compile("\"End-LSN\"\\s*:\\s*\"([0-9A-F/]+)\"");
    private final PostgresOsUser user;
    private final Map<String, String> env;

    PhysicalInspector(PostgresOsUser user, Map<String, String> env) {
        this.user = user;
        this.env = Map.copyOf(env);
    }

    @Override
    public Staged stage(ScratchSpace scratch) throws IOException {
        Path root = Files.createTempDirectory("lifeboat-verify-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path data = root.resolve("data");
        Files.createDirectory(data, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        return new Started(root, data);
    }

    private final class Started implements Staged {
        private final Path root;
        private final Path data;
        private TarExtractor extractor;
        private ArchivedWal wal;
        private PgBinaries binaries = new PgBinaries(Optional.empty());
        private boolean running;

        Started(Path root, Path data) {
            this.root = root;
            this.data = data;
        }

        @Override
        public void useArchivedWal(ArchivedWal archived) {
            this.wal = archived;
        }

        @Override
        public OutputStream output() throws IOException {
            extractor = new TarExtractor(data);
            return extractor;
        }

        @Override
        public Inspection check() throws IOException {
            extractor.finish();
            binaries = PgBinaries.forVersion(Files.readString(data.resolve("PG_VERSION")).strip());
            List<String> checks = new ArrayList<>();
            fetchWal(checks);
            run(List.of(binaries.find("pg_verifybackup").toString(), "--wal-directory",
                    data.resolve("pg_wal").toString(), data.toString()), false, "pg_verifybackup");
            checks.add("pg_verifybackup: every file of the backup manifest is there with its size, the WAL range"
                    + " parses");
            configure();
            user.own(root);
            run(List.of(binaries.find("pg_ctl").toString(), "-D", data.toString(), "-l", root.resolve("server.log")
                    .toString(), "-w", "-t", "600", "start"), true, "starting the restored cluster");
            running = true;
            checks.addAll(readEverything());
            run(List.of(binaries.find("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"), true,
                    "stopping the restored cluster");
            running = false;
            String control = run(List.of(binaries.find("pg_controldata").toString(), data.toString()), false,
                    "pg_controldata");
            if (control.matches("(?s).*Data page checksum version:\\s+[1-9].*")) {
                run(List.of(binaries.find("pg_checksums").toString(), "--check", "-D", data.toString()), true,
                        "pg_checksums");
                checks.add("pg_checksums --check: every data page's checksum is right");
            }
            return new Inspection(checks, new Facts(PgBaseBackupSource.KIND, binaries.major().orElse(""),
                    Map.of(), Map.of()));
        }

        /** From the segment of backup_label's start to the one of the manifest's end LSN, on its timeline. */
        private void fetchWal(List<String> checks) throws IOException {
            String label = Files.readString(data.resolve(PgBaseBackup.LABEL), StandardCharsets.UTF_8);
            Matcher start = START.matcher(label);
            Matcher end = END.matcher(tail(data.resolve(PgBaseBackup.MANIFEST)));
            if (!start.find() || !end.find()) {
                throw EngineFailure.content("the base backup lacks its backup_label or backup manifest; take a"
                        + " fresh base backup");
            }
            if (wal == null) {
                throw EngineFailure.request("verifying a base backup needs its archived WAL");
            }
            String control = run(List.of(binaries.find("pg_controldata").toString(), data.toString()), false,
                    "pg_controldata");
            Matcher size = Pattern.compile("Bytes per WAL segment:\\s+(\\d+)").matcher(control);
            long segmentSize = size.find() ? Long.parseLong(size.group(1)) : WalNames.DEFAULT_SEGMENT_SIZE;
            String first = start.group(1);
            int timeline = WalNames.timeline(first);
            long stop = WalNames.parseLsn(end.group(1)).orElseThrow();
            long from = WalNames.segmentNumber(first, segmentSize);
            long to = WalNames.segmentNumber(WalNames.segmentOf(timeline, stop - 1, segmentSize), segmentSize);
            for (long n = from; n <= to; n++) {
                String name = WalNames.segmentName(timeline, n, segmentSize);
                if (!wal.fetch(name, data.resolve("pg_wal").resolve(name))) {
                    throw EngineFailure.content("WAL segment " + name + ", which this base backup needs to"
                            + " become consistent, is not archived; check archive_command (lifeboat wal-push)");
                }
            }
            if (timeline > 1) {
                wal.fetch(WalNames.historyName(timeline), data.resolve("pg_wal").resolve(WalNames.historyName(timeline)));
            }
            checks.add("WAL " + first + " to " + WalNames.segmentName(timeline, to, segmentSize) + " fetched from"
                    + " the archive and checked");
        }

        /** Local connections through a socket in the private folder only; nothing archived or restored. */
        private void configure() throws IOException {
            Files.deleteIfExists(data.resolve("recovery.signal"));
            Files.deleteIfExists(data.resolve("standby.signal"));
            Files.writeString(data.resolve("pg_hba.conf"), "local all all trust\n");
            Files.writeString(data.resolve("postgresql.auto.conf"), "listen_addresses = ''\nunix_socket_directories = '"
                    + root + "'\nport = 5432\narchive_mode = off\nrestore_command = ''\nlogging_collector = off\n"
                    + "shared_preload_libraries = ''\nmax_connections = 20\n", StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.APPEND);
        }

        private List<String> readEverything() {
            PgUrl server = PgUrl.parse("postgresql://postgres@:5432/postgres?host=" + root);
            PgClient client = new PgClient(server, env, Side.TARGET);
            long tables = 0;
            long rows = 0;
            long indexes = 0;
            List<String> databases = new ArrayList<>();
            try (Connection conn = client.connect(); Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1")) {
                while (rs.next()) {
                    databases.add(rs.getString(1));
                }
            } catch (SQLException e) {
                throw EngineFailure.content("the restored cluster does not accept connections ("
                        + PgErrors.firstLine(e.getMessage()) + ")");
            }
            for (String database : databases) {
                try (Connection conn = client.connect(database); Statement st = conn.createStatement()) {
                    st.execute("CREATE EXTENSION IF NOT EXISTS amcheck");
                    List<String> names = new ArrayList<>();
                    try (ResultSet rs = st.executeQuery("SELECT c.oid::regclass::text FROM pg_class c JOIN pg_index i"
                            + " ON i.indexrelid = c.oid JOIN pg_am a ON a.oid = c.relam WHERE a.amname = 'btree'"
                            + " AND c.relpersistence <> 't' AND i.indisvalid AND i.indisready")) {
                        while (rs.next()) {
                            names.add(rs.getString(1));
                        }
                    }
                    for (String index : names) {
                        st.execute("SELECT bt_index_check('" + index.replace("'", "''") + "'::regclass)");
                        indexes++;
                    }
                    List<String> relations = new ArrayList<>();
                    try (ResultSet rs = st.executeQuery("SELECT oid::regclass::text FROM pg_class WHERE relkind IN"
                            + " ('r', 'm') AND relpersistence <> 't'")) {
                        while (rs.next()) {
                            relations.add(rs.getString(1));
                        }
                    }
                    for (String table : relations) {
                        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
                            rs.next();
                            rows += rs.getLong(1);
                            tables++;
                        }
                    }
                } catch (SQLException e) {
                    throw EngineFailure.content("the restored cluster failed a check in database " + database
                            + ": " + PgErrors.firstLine(e.getMessage()) + "; restore an older backup");
                }
            }
            return List.of("the restored cluster started and accepted connections", "amcheck: " + indexes
                    + " B-tree indexes intact", tables + " tables in " + databases.size() + " databases read in full ("
                    + rows + " rows)");
        }

        private String run(List<String> command, boolean asUser, String what) throws IOException {
            PostgresOsUser.Result result = user.run(command, asUser);
            if (result.exit() != 0) {
                String line = result.output().lines().filter(l -> l.contains("error") || l.contains("ERROR")
                        || l.contains("checksum") || l.contains("FATAL")).findFirst()
                        .orElse(result.output().lines().reduce((a, b) -> b).orElse("no message")).strip();
                String log = Files.exists(root.resolve("server.log")) ? fatal(root.resolve("server.log")) : "";
                throw EngineFailure.content(what + " failed: " + line + (log.isEmpty() ? "" : " (" + log + ")")
                        + "; restore an older backup");
            }
            return result.output();
        }

        private String fatal(Path log) throws IOException {
            return Files.readString(log).lines().filter(l -> l.contains("FATAL:") || l.contains("PANIC:")).findFirst()
                    .map(String::strip).orElse("");
        }

        /**
         * Stops the server whenever its pid file is there (a run interrupted while pg_ctl started it
         * never learnt that it runs), then removes the copy. A cancelled run (the daemon stopping) is
         * interrupted: the interrupt is set aside meanwhile, or the first wait for pg_ctl would end
         * the clean-up and leave the server and the copy of the cluster behind.
         */
        @Override
        public void close() {
            boolean interrupted = Thread.interrupted();
            try {
                if (running || Files.exists(data.resolve("postmaster.pid"))) {
                    user.run(List.of(binaries.find("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate",
                            "-w", "stop"), true);
                }
            } catch (IOException | RuntimeException e) {
                // the copy goes all the same
            }
            try {
                try (var paths = Files.walk(root)) {
                    for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // the copy is in the temporary folder, not the scratch space: nothing else removes it later
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        long size = Files.size(file);
        try (var channel = Files.newByteChannel(file)) {
            channel.position(Math.max(0, size - 65536));
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) Math.min(size, 65536));
            while (buffer.hasRemaining() && channel.read(buffer) > 0) {
                // read the tail
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
        }
    }
}
