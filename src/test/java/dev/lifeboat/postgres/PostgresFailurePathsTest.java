package dev.lifeboat.postgres;

import static dev.lifeboat.testing.Cli.assertOneLineFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import dev.lifeboat.testing.Tools;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Everything that can fail before or while pg_dump runs: one line naming cause and fix, a
 * non-zero exit, no backup stored, and the password in no output, argument or manifest.
 */
class PostgresFailurePathsTest extends PostgresFixture {
    private void assertNoBackups() throws Exception {
        if (Files.exists(repo)) {
            try (Stream<Path> files = Files.walk(repo)) {
                assertEquals(List.of(), files.filter(p -> p.getFileName().toString().equals("manifest.json")).toList());
            }
        }
    }

    private static String realTool(String tool) {
        return Tools.run(List.of("sh", "-c", "command -v " + tool), Map.of(), null).out().trim();
    }

    /** A --pg-bin folder whose tools log their arguments and a digest of PGPASSWORD, then run the real ones. */
    private Path loggingPgBin(Path log, String extraShell) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("pg-bin"));
        for (String tool : List.of("pg_dump", "pg_restore")) {
            Path script = bin.resolve(tool);
            Files.writeString(script, "#!/bin/sh\n"
                    + "{ printf 'argv:'; for a in \"$0\" \"$@\"; do printf ' %s' \"$a\"; done; printf '\\n';"
                    + " printf 'pgpassword-md5: %s\\n' \"$(printf %s \"$PGPASSWORD\" | /usr/bin/md5sum | /usr/bin/cut -c1-32)\";"
                    + " } >> '" + log + "'\n"
                    + extraShell.replace("TOOL", tool)
                    + "exec '" + realTool(tool) + "' \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        }
        return bin;
    }

    private static String md5(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void rowLevelSecurityWithoutBypassFailsInPreflightAndWithBypassGetsEveryRow() throws Exception {
        String role = server.createRole("lbt_backup", "LOGIN");
        String db = server.createDatabase("lbt_rls");
        PgTestServer.execute(db,
                "CREATE TABLE public.secrets (id int PRIMARY KEY, tenant text NOT NULL, body text)",
                "INSERT INTO public.secrets SELECT g, 'tenant' || g % 4, 'secret ' || g FROM generate_series(1, 400) g",
                "CREATE TABLE public.plain (id int)",
                "INSERT INTO public.plain VALUES (1), (2)",
                "ALTER TABLE public.secrets OWNER TO " + role,
                "ALTER TABLE public.plain OWNER TO " + role,
                "ALTER TABLE public.secrets ENABLE ROW LEVEL SECURITY",
                "ALTER TABLE public.secrets FORCE ROW LEVEL SECURITY",
                "CREATE POLICY own_tenant ON public.secrets USING (tenant = current_setting('app.tenant', true))");
        String url = PgTestServer.url(role, db);

        Cli.Result refused = cli.run("backup", "--no-encrypt", url, "--repo", repo.toString());
        assertOneLineFailure(refused, ExitCode.SOURCE, "role " + role, "row-level security", "public.secrets",
                "ALTER ROLE \"" + role + "\" BYPASSRLS", "dedicated backup role");
        assertFalse(refused.err().contains("public.plain"), refused.err());
        assertNoBackups();

        PgTestServer.execute("postgres", "ALTER ROLE " + role + " BYPASSRLS");
        Cli.Result backup = cli.run("backup", "--no-encrypt", url, "--repo", repo.toString());
        assertEquals(0, backup.exit(), backup.toString());
        assertTrue(backup.out().contains("2 tables, 402 rows"), backup.out());
        // The role may not create databases, so verification restores as another role on the same server.
        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString(), "--verify-server",
                PgTestServer.url("postgres", ""));
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("row counts: 2 tables, 402 rows, equal to the manifest"), verify.out());
        Cli.Result ownVerify = cli.run("verify", "latest", "--repo", repo.toString());
        assertOneLineFailure(ownVerify, ExitCode.TARGET, "may not create the scratch database", "--verify-server");
        assertEquals(List.of(db), PgTestServer.databasesLike(db));
    }

    @Test
    void thePasswordTravelsOnlyInTheChildrensEnvironment() throws Exception {
        String password = "pw-" + PgTestServer.unique("s3cret");
        String role = server.createRole("lbt_app", "LOGIN CREATEDB PASSWORD '" + password + "'");
        String db = server.createDatabase("lbt_pw");
        PgTestServer.execute("postgres", "ALTER DATABASE " + db + " OWNER TO " + role);
        try (var conn = PgTestServer.connect(role, db); var st = conn.createStatement()) {
            st.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
            st.execute("INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 50) g");
        }
        Path log = dir.resolve("children.log");
        Path bin = loggingPgBin(log, "");
        cli.env("LB_TEST_DB_PASSWORD", password);
        String url = PgTestServer.url(role, db) + "?password-env=LB_TEST_DB_PASSWORD";

        Cli.Result backup = cli.run("backup", "--no-encrypt", url, "--repo", repo.toString(), "--pg-bin", bin.toString(), "--json");
        assertEquals(0, backup.exit(), backup.toString());
        Cli.Result verify = cli.run("verify", "latest", "--repo", repo.toString(), "--pg-bin", bin.toString());
        assertEquals(0, verify.exit(), verify.toString());
        String copy = server.adopt(db + "_copy");
        Cli.Result restore = cli.run("restore", "latest", "--repo", repo.toString(), "--pg-bin", bin.toString(),
                "--to", PgTestServer.url(role, copy) + "?password-env=LB_TEST_DB_PASSWORD");
        assertEquals(0, restore.exit(), restore.toString());
        assertEquals(50, PgTestServer.count(copy, "items"));
        Cli.Result list = cli.run("list", "--repo", repo.toString(), "--json");

        String children = Files.readString(log);
        assertTrue(children.contains("pgpassword-md5: " + md5(password)), "pg_dump/pg_restore got PGPASSWORD: " + children);
        assertTrue(children.lines().filter(l -> l.startsWith("argv:") && l.contains("pg_dump --format")).count() == 1
                && children.lines().filter(l -> l.startsWith("argv:") && l.contains("pg_restore --exit")).count() == 2,
                children);
        assertFalse(children.contains(password), "no child argument holds the password: " + children);
        for (Cli.Result result : List.of(backup, verify, restore, list)) {
            assertFalse(result.out().contains(password) || result.err().contains(password), result.toString());
        }
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(password),
                        file + " holds the password");
            }
        }
        Cli.Result inUrl = cli.run("backup", "--no-encrypt", "postgresql://" + role + ":" + password + "@127.0.0.1:5432/" + db,
                "--repo", repo.toString());
        assertOneLineFailure(inUrl, ExitCode.USAGE, "password in the URL", "PGPASSWORD");
        assertFalse(inUrl.err().contains(password));
    }

    @Test
    void badCredentialsAreNamedWithoutShowingThePassword() throws Exception {
        String password = "pw-" + PgTestServer.unique("right");
        String role = server.createRole("lbt_cred", "LOGIN PASSWORD '" + password + "'");
        String db = server.createDatabase("lbt_cred");
        String wrong = "pw-" + PgTestServer.unique("wrong");
        Cli.Result result = cli.env("PGPASSWORD", wrong).run("backup", "--no-encrypt", PgTestServer.url(role, db), "--repo",
                repo.toString());
        if (serverChecksPasswords(role, wrong)) {
            assertOneLineFailure(result, ExitCode.SOURCE, "password authentication failed for user " + role,
                    "PGPASSWORD");
        } else {
            // This server trusts 127.0.0.1 (pg_hba.conf), so no password is ever checked: the backup
            // runs, and the wrong password must still appear nowhere.
            assertEquals(0, result.exit(), result.toString());
        }
        assertFalse(result.toString().contains(wrong), result.toString());

        // A role the server does not know is refused whatever the authentication method.
        String ghost = PgTestServer.unique("lbt_ghost");
        Cli.Result unknown = cli.env("PGPASSWORD", wrong).run("backup", "--no-encrypt", PgTestServer.url(ghost, db), "--repo",
                dir.resolve("repo2").toString());
        assertOneLineFailure(unknown, ExitCode.SOURCE, "refused user " + ghost, "does not exist",
                "pg_hba.conf");
        assertFalse(unknown.toString().contains(wrong), unknown.toString());
    }

    private static boolean serverChecksPasswords(String role, String wrongPassword) {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", role);
        props.setProperty("password", wrongPassword);
        try (var conn = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres", props)) {
            return false;
        } catch (SQLException e) {
            return "28P01".equals(e.getSQLState());
        }
    }

    @Test
    void urlMistakesAreUsageErrors() {
        String base = "postgresql://postgres@127.0.0.1:5432/app";
        assertOneLineFailure(cli.run("backup", "--no-encrypt", base + "?sslmode=sometimes", "--repo", repo.toString()),
                ExitCode.USAGE, "sslmode=sometimes is not one of");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", base + "?connect_timeout=3", "--repo", repo.toString()),
                ExitCode.USAGE, "unknown parameter 'connect_timeout'", "known: sslmode");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", base + "?password=hunter2", "--repo", repo.toString()),
                ExitCode.USAGE, "password in the URL");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", "postgresql://postgres@127.0.0.1:99999/app", "--repo",
                repo.toString()), ExitCode.USAGE, "port '99999'");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", "postgresql://postgres@127.0.0.1:5432/", "--repo", repo.toString()),
                ExitCode.USAGE, "names no database", "add /DBNAME");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", base + "?password-env=LB_TEST_UNSET_VARIABLE", "--repo",
                repo.toString()), ExitCode.USAGE, "LB_TEST_UNSET_VARIABLE", "not set");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", base, "--repo", repo.toString(), "--table", "orders"),
                ExitCode.USAGE, "--table 'orders' needs the schema too", "public.orders");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", base, "--repo", repo.toString(), "--facts", "guess"),
                ExitCode.USAGE, "--facts guess");
        assertFalse(Files.exists(repo));
    }

    @Test
    void unknownDatabaseAndServerDown() throws Exception {
        String missing = PgTestServer.unique("lbt_nothere");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", missing), "--repo", repo.toString()),
                ExitCode.SOURCE, "database " + missing + " does not exist", "check the name");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Cli.Result down = cli.run("backup", "--no-encrypt", "postgresql://postgres@127.0.0.1:" + closedPort + "/app", "--repo",
                repo.toString());
        assertOneLineFailure(down, ExitCode.SOURCE, "cannot reach PostgreSQL at 127.0.0.1:" + closedPort,
                "start the server");
        Cli.Result restoreDown = cli.run("restore", "latest", "--repo", repo.toString(), "--to",
                "postgresql://postgres@127.0.0.1:" + closedPort + "/app");
        assertEquals(ExitCode.NOT_FOUND.code(), restoreDown.exit(), "no backup to restore: " + restoreDown);
        assertNoBackups();
    }

    @Test
    void missingOrTooOldPgDump() throws Exception {
        String db = server.createDatabase("lbt_tools");
        PgTestServer.execute(db, "CREATE TABLE t (id int)");
        Path empty = Files.createDirectories(dir.resolve("empty-bin"));
        assertOneLineFailure(cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--pg-bin", empty.toString()), ExitCode.SOURCE, "pg_dump not found in --pg-bin " + empty,
                "point --pg-bin at the bin folder");

        String serverMajor = PgTestServer.value("postgres", "SELECT current_setting('server_version_num')::int / 10000");
        Path old = loggingPgBin(dir.resolve("old.log"), "[ \"$1\" = --version ] && { echo 'TOOL (PostgreSQL) 12.22'; exit 0; }\n");
        assertOneLineFailure(cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--pg-bin", old.toString()), ExitCode.SOURCE, "is version 12 but the server runs PostgreSQL "
                + serverMajor, "install the PostgreSQL " + serverMajor + " client tools");
        assertNoBackups();
    }

    @Test
    void pgDumpFailingAfterItsOutputLeavesNoBackup() throws Exception {
        String db = server.createDatabase("lbt_dumpfail");
        PgTestServer.execute(db, "CREATE TABLE t (id int)", "INSERT INTO t SELECT generate_series(1, 1000)");
        // Writes the whole dump, then reports an error: only the exit status tells the dump is not good.
        Path bin = loggingPgBin(dir.resolve("fail.log"), "if [ TOOL = pg_dump ] && [ \"$1\" != --version ]; then '"
                + realTool("pg_dump") + "' \"$@\"; echo 'pg_dump: error: simulated failure after the data' >&2;"
                + " exit 1; fi\n");
        Cli.Result result = cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString(),
                "--pg-bin", bin.toString());
        assertOneLineFailure(result, ExitCode.SOURCE, "pg_dump of " + db + " failed (exit 1",
                "simulated failure after the data", "no backup was stored");
        assertNoBackups();
        assertEquals(0, cli.run("backup", "--no-encrypt", PgTestServer.url("postgres", db), "--repo", repo.toString()).exit(),
                "the next good run succeeds and removes the leftovers");
        assertEquals(2, cli.run("list", "--repo", repo.toString()).out().lines().count());
    }
}
