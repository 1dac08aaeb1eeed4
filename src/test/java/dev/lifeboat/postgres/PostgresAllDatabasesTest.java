package dev.lifeboat.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.PgTestServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A whole server: one backup per database plus the roles and tablespaces. The server is shared
 * with other test runs, whose databases may vanish mid-run; only this test's own are asserted on.
 */
class PostgresAllDatabasesTest extends PostgresFixture {
    @Test
    void everyDatabaseAndTheGlobals() throws Exception {
        String role = server.createRole("lbt_tenant", "LOGIN");
        String one = server.createDatabase("lbt_all");
        String two = server.createDatabase("lbt_all");
        PgTestServer.execute(one, "CREATE TABLE a (id int)", "INSERT INTO a SELECT generate_series(1, 11)",
                "ALTER TABLE a OWNER TO " + role);
        PgTestServer.execute(two, "CREATE TABLE b (id int)", "INSERT INTO b SELECT generate_series(1, 22)");

        Cli.Result backup = cli.run("backup", "--no-encrypt", "postgresql://postgres@127.0.0.1:5432/", "--all-databases", "--repo",
                repo.toString(), "--name", "srv", "--json");
        List<Manifest> manifests = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode item : backup.json().get("backups")) {
            if (item.get("manifest").isObject()) {
                manifests.add(Json.read(item.get("manifest").toString().getBytes(StandardCharsets.UTF_8),
                        Manifest.class));
            }
        }
        // Other test runs' databases may be dropped while we run; ours and the globals must all be there.
        backup.err().lines().filter(l -> l.startsWith("FAILED ")).forEach(failed ->
                assertTrue(!failed.contains(one) && !failed.contains(two) && !failed.contains("roles"), failed));
        assertTrue(backup.exit() == 0 || backup.err().contains("(the others were stored)"),
                backup.toString());
        Map<String, Manifest> byName = new java.util.HashMap<>();
        manifests.forEach(m -> byName.put(m.name(), m));
        assertEquals(Map.of("public.a", 11L), byName.get("srv-" + one).facts().tableRows());
        assertEquals(Map.of("public.b", 22L), byName.get("srv-" + two).facts().tableRows());
        assertTrue(byName.containsKey("srv-postgres"), byName.keySet().toString());
        Manifest globals = byName.get("srv-globals");
        assertEquals("postgresql-globals", globals.source().kind());
        assertEquals("included", globals.facts().properties().get("role_passwords"));
        assertTrue(globals.object().endsWith(".sql.zst"), globals.object());

        Cli.Result sql = cli.run("cat", globals.id(), "--repo", repo.toString());
        assertEquals(0, sql.exit(), sql.toString());
        assertTrue(sql.stdoutText().contains("CREATE ROLE " + role + ";"), "the role is in the globals");
        Cli.Result verify = cli.run("verify", globals.id(), "--repo", repo.toString());
        assertEquals(0, verify.exit(), verify.toString());
        assertTrue(verify.out().contains("pg_dumpall --globals-only output complete"), verify.out());
        assertEquals(0, cli.run("verify", byName.get("srv-" + one).id(), "--repo", repo.toString()).exit());

        String copy = server.adopt(one + "_copy");
        Cli.Result refused = cli.run("restore", globals.id(), "--repo", repo.toString(), "--to",
                PgTestServer.url("postgres", copy));
        assertEquals(ExitCode.USAGE.code(), refused.exit(), refused.toString());
        assertTrue(refused.err().contains("apply it by hand: lifeboat cat ID --repo REPO | psql -d postgres"),
                refused.err());
        assertEquals(List.of(), PgTestServer.databasesLike(copy));
        assertEquals(Optional.empty(), manifests.stream().filter(m -> m.name().contains("template")).findAny());
    }

    @Test
    void wholeServerMistakes() {
        Cli.Result withDatabase = cli.run("backup", "--no-encrypt", "postgresql://postgres@127.0.0.1:5432/app", "--all-databases",
                "--repo", repo.toString());
        assertEquals(ExitCode.USAGE.code(), withDatabase.exit(), withDatabase.toString());
        assertTrue(withDatabase.err().contains("leave the database out of the URL"), withDatabase.err());
        Cli.Result withSchema = cli.run("backup", "--no-encrypt", "postgresql://postgres@127.0.0.1:5432/", "--all-databases",
                "--schema", "x", "--repo", repo.toString());
        assertEquals(ExitCode.USAGE.code(), withSchema.exit(), withSchema.toString());
        assertTrue(withSchema.err().contains("--schema and --table name parts of one database"), withSchema.err());
    }
}
