package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.Catalog;
import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.config.ConfigReader;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.ServerConfig;
import dev.lifeboat.daemon.JobStatuses;
import dev.lifeboat.daemon.StatusServer;
import dev.lifeboat.source.Engines;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The --json contract, checked on the real command line: every command, on success and on failure,
 * prints exactly one JSON document on stdout and nothing else there; the document names its
 * schema ({@code lifeboat/<kind>/v1}) and validates against {@code schema/<kind>.json}; its keys are
 * snake_case; a failure carries the exit code's name, the exit code and the message. The daemon's
 * /api/* responses validate the same way. A command added without a case here fails the test.
 */
class JsonContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Pattern SNAKE = Pattern.compile("[a-z][a-z0-9_]*");
    /** Objects whose keys are data (table names, properties, counts per task and status), not fields. */
    private static final Set<String> DATA = Set.of("table_rows", "properties", "runs");
    /** Objects keyed by job name whose values are objects with fields (/health). */
    private static final Set<String> BY_NAME = Set.of("jobs");

    @TempDir
    Path dir;

    private final Set<String> covered = new TreeSet<>();
    private final List<String> printed = new ArrayList<>();

    @Test
    void everyCommandPrintsOneDocumentOfItsSchemaOnSuccessAndFailure() throws Exception {
        Path db = dir.resolve("app.db");
        TestDatabases.walWithUncheckpointedRows(db, 40).close();
        dev.lifeboat.testing.Tools.ok("sqlite3", db.toString(), "CREATE TABLE events(at TEXT);"
                + " INSERT INTO events VALUES ('2020-01-01T00:00:00Z'), ('2999-01-01T00:00:00Z');");
        String repo = dir.resolve("repo").toString();
        String other = dir.resolve("other").toString();
        String sealed = dir.resolve("sealed").toString();
        Path config = Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  app:
                    source: %s
                    repositories: [ "%s" ]
                    encryption: none
                    schedule: "0 2 * * *"
                  gone:
                    source: %s
                    repositories: [ "%s" ]
                    encryption: none
                  gdpr:
                    kind: purge
                    source: sqlite:%s
                    rules:
                      - { table: events, column: at, older-than: 30d }
                """.formatted(db, repo, dir.resolve("gone.db"), repo, db));
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "jobs:\n  app:\n    sauce: x\n");
        Cli cli = new Cli(dir.resolve("scratch")).env("PASS", "correct horse battery").env("NEW_PASS", "staple");

        JsonNode backup = ok(cli, "backup", "backup", db.toString(), "--repo", repo, "--no-encrypt", "--json");
        String id = backup.get("backups").get(0).get("manifest").get("id").asText();
        JsonNode skipped = ok(cli, "backup", "backup", db.toString(), "--repo", repo, "--no-encrypt",
                "--min-interval", "1d", "--json");
        assertEquals("skipped", skipped.get("backups").get(0).get("status").asText());
        ok(cli, "list", "list", "--repo", repo, "--json");
        for (String which : List.of("latest", "all", id)) {
            JsonNode verify = ok(cli, "verify", "verify", which, "--repo", repo, "--json");
            assertEquals(1, verify.get("verified").size(), "one shape for " + which + ": " + verify);
        }
        ok(cli, "restore", "restore", id, "--repo", repo, "--to", dir.resolve("restored.db").toString(), "--json");
        ok(cli, "copy", "copy", "latest", "--from", repo, "--to", other, "--json");
        ok(cli, "prune", "prune", "--repo", other, "--keep-last", "1", "--dry-run", "--json");
        ok(cli, "history", "history", "--json");
        ok(cli, "unlock", "unlock", "--repo", repo, "--json");
        ok(cli, "catalog-rebuild", "catalog", "rebuild", "--repo", repo, "--json");
        ok(cli, "config-check", "config", "check", "--config", config.toString(), "--json");
        ok(cli, "run", "run", "app", "--config", config.toString(), "--json");
        ok(cli, "run", "run", "app", "--verify", "--config", config.toString(), "--json");
        ok(cli, "run", "run", "gdpr", "--dry-run", "--config", config.toString(), "--json");
        ok(cli, "run", "backup", "--job", "app", "--config", config.toString(), "--force", "--json");
        ok(cli, "backup", "backup", db.toString(), "--repo", sealed, "--passphrase-env", "PASS", "--json");
        ok(cli, "rekey", "rekey", "--repo", sealed, "--passphrase-env", "PASS", "--to-passphrase-env", "NEW_PASS",
                "--json");
        ok(cli, "rekey-purge", "rekey", "--repo", sealed, "--purge", "--source", db.toString(), "--name", "app",
                "--to-passphrase-env", "PASS", "--json");
        ok(cli, "rekey-sqlcipher", "rekey-sqlcipher", "--repo", repo, "--old-key-env", "PASS", "--new-key-env",
                "NEW_PASS", "--json");

        ok(cli, "wal-check", "wal", "check", "--repo", repo, "--json");
        // wal-push and wal-fetch need a cluster's data directory (PointInTimeRecoveryTest runs them on one); here
        // their failures: a usage error, and wal-fetch's own exit 126 that makes PostgreSQL stop a recovery.
        failed(cli, "error", ExitCode.USAGE, "wal-push", dir.resolve("000000010000000000000001").toString(), "--json");
        Cli.Result fetch = cli.run("wal-fetch", "000000010000000000000001", dir.resolve("wal").toString(), "--repo",
                repo, "--data-dir", dir.toString(), "--json");
        assertEquals(126, fetch.exit(), fetch.toString());
        assertEquals(126, valid("wal-fetch", fetch.out()).get("exit_code").asInt(), fetch.toString());
        cover("wal-fetch");
        failed(cli, "error", ExitCode.NOT_FOUND, "list", "--repo", dir.resolve("nothing").toString(), "--json");
        failed(cli, "error", ExitCode.USAGE, "list", "--json");
        failed(cli, "error", ExitCode.USAGE, "cat", "latest", "--repo", repo, "--json");
        failed(cli, "error", ExitCode.USAGE, "daemon", "--config", broken.toString(), "--json");
        failed(cli, "config-check", ExitCode.USAGE, "config", "check", "--config", broken.toString(), "--json");
        ok(cli, "rekey-sqlcipher-retire", "rekey-sqlcipher", "--repo", repo, "--retire-unopenable", "--new-key-env",
                "NEW_PASS", "--json");
        failed(cli, "error", ExitCode.NOT_FOUND, "rekey-sqlcipher", "--repo", repo, "--retire-unopenable",
                "--name", "nosuch", "--new-key-env", "NEW_PASS", "--json");
        failed(cli, "verify", ExitCode.KEY, "verify", "latest", "--repo", sealed, "--passphrase-env", "NEW_PASS",
                "--json");
        Path object;
        try (var files = Files.walk(Path.of(repo, "backups", id))) {
            object = files.filter(f -> f.getFileName().toString().startsWith("snapshot")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(object);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(object, bytes);
        JsonNode bad = failed(cli, "verify", ExitCode.INTEGRITY, "verify", "all", "--repo", repo, "--json");
        assertEquals(id, bad.get("failed").get(0).get("backup_id").asText(), bad.toString());
        failed(cli, "error", ExitCode.NOT_CONFIRMED, "restore", id, "--repo", repo, "--to",
                dir.resolve("never.db").toString(), "--json");
        failed(cli, "error", ExitCode.INTEGRITY, "restore", id, "--repo", repo, "--to",
                dir.resolve("never.db").toString(), "--allow-suspicious", "--json");
        failed(cli, "run", ExitCode.SOURCE, "run", "gone", "--config", config.toString(), "--json");
        JsonNode all = failed(cli, "run-all", ExitCode.SOURCE, "run", "--all", "--config", config.toString(), "--json");
        assertEquals("source", all.get("outcomes").get(1).get("failure").get("error").asText(), all.toString());

        api(config);

        Set<String> commands = new TreeSet<>();
        try (Services services = new Services(Map.of(), java.io.InputStream.nullInputStream(),
                java.io.OutputStream.nullOutputStream())) {
            collect(ShellFiles.model(services), commands);
        }
        commands.remove("help");
        assertEquals(commands, covered, "every command's --json is checked here:\n" + String.join("\n", printed));
    }

    /** The schemas do reject: a missing field, a wrong type, and a manifest (a shared shape) without its seal. */
    @Test
    void theSchemasRejectDocumentsThatBreakTheirShape() throws Exception {
        assertFalse(errors("list", "{\"schema\": \"lifeboat/list/v1\", \"backups\": []}").isEmpty(), "no damaged");
        assertFalse(errors("error", "{\"schema\": \"lifeboat/error/v1\", \"error\": \"oops\", \"exit_code\": 1,"
                + " \"message\": \"m\"}").isEmpty(), "an unknown error kind");
        assertFalse(errors("unlock", "{\"schema\": \"lifeboat/unlock/v1\", \"repository\": \"r\", \"removed\": [],"
                + " \"error\": \"locked\"}").isEmpty(), "error without exit_code and message");
        assertFalse(errors("copy", "{\"schema\": \"lifeboat/copy/v1\", \"from\": \"a\", \"to\": \"b\", \"backup\":"
                + " {\"id\": \"x\"}}").isEmpty(), "a manifest without its fields");
        assertEquals(List.of(), errors("error", "{\"schema\": \"lifeboat/error/v1\", \"error\": \"not_found\","
                + " \"exit_code\": 5, \"message\": \"m\"}"));
    }

    /** A document's own field may not be named as a failure's, or a failure would overwrite it. */
    @Test
    void aDocumentCannotTakeTheFailuresFieldNames() {
        JsonOutput output = new JsonOutput(new java.io.PrintWriter(java.io.Writer.nullWriter()));
        for (String field : List.of("error", "exit_code", "message")) {
            IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                    () -> output.document("list", Map.of(field, "x")));
            assertTrue(e.getMessage().contains("'" + field + "'"), e.getMessage());
        }
    }

    /** --json may come before the command's name too; the help stays text. */
    @Test
    void jsonBeforeTheCommandWorksAndHelpStaysText() throws Exception {
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.Result missing = cli.run("--json", "list", "--repo", dir.resolve("none").toString());
        assertEquals(ExitCode.NOT_FOUND.code(), missing.exit(), missing.toString());
        assertEquals("not_found", valid("--json list", missing.out()).get("error").asText());
        Cli.Result help = cli.run("list", "--help", "--json");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: lifeboat list"), help.out());
    }

    private static List<Error> errors(String kind, String document) throws Exception {
        return SCHEMAS.getSchema(SchemaLocation.of("classpath:schema/" + kind + ".json")).validate(JSON.readTree(document));
    }

    /** /api/jobs, /api/backups and /health of the daemon's status server, on the catalog the commands filled. */
    private void api(Path config) throws Exception {
        LifeboatConfig loaded = ConfigReader.read(config, Map.of(), Engines.standard(java.time.Duration.ofSeconds(5)));
        try (Catalog catalog = Catalog.open(dir.resolve("state").resolve("catalog.db"), Clock.systemUTC())) {
            Optional<JobRecords> records = Optional.of(new JobRecords(catalog));
            JobStatuses statuses = JobStatuses.recorded(Clock.systemUTC(), records);
            try (StatusServer server = StatusServer.start(new ServerConfig("127.0.0.1", 0), () -> loaded, statuses,
                    records)) {
                for (String path : List.of("/api/jobs", "/api/backups", "/api/backups?job=app", "/health")) {
                    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + server.address().getPort() + path)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    JsonNode document = valid(path, response.body());
                    assertTrue(response.statusCode() == 200 || response.statusCode() == 503, response.body());
                    if (path.startsWith("/api/backups")) {
                        assertTrue(document.get("backups").size() > 0, response.body());
                    }
                }
            }
        }
    }

    private JsonNode ok(Cli cli, String kind, String... args) throws Exception {
        Cli.Result result = cli.run(args);
        assertEquals(0, result.exit(), result.toString());
        JsonNode document = valid(String.join(" ", args), result.out());
        assertEquals("lifeboat/" + kind + "/v1", document.get("schema").asText(), result.out());
        assertFalse(document.has("error"), result.out());
        cover(args);
        logLines(result);
        return document;
    }

    /** The JSON Lines a job run logs on stderr are log events. */
    private static void logLines(Cli.Result result) throws Exception {
        Schema event = SCHEMAS.getSchema(SchemaLocation.of("classpath:schema/log-event.json"));
        for (String line : result.err().lines().filter(l -> l.startsWith("{")).toList()) {
            assertEquals(List.of(), event.validate(JSON.readTree(line)).stream().map(Object::toString).toList(), line);
        }
    }

    private JsonNode failed(Cli cli, String kind, ExitCode exit, String... args) throws Exception {
        Cli.Result result = cli.run(args);
        assertEquals(exit.code(), result.exit(), result.toString());
        JsonNode document = valid(String.join(" ", args), result.out());
        assertEquals("lifeboat/" + kind + "/v1", document.get("schema").asText(), result.out());
        assertEquals(exit.kind(), document.get("error").asText(), result.out());
        assertEquals(exit.code(), document.get("exit_code").asInt(), result.out());
        assertTrue(result.err().contains("lifeboat: " + document.get("message").asText()),
                "the message is the line on stderr: " + result);
        cover(args);
        logLines(result);
        return document;
    }

    /** Exactly one JSON document in {@code text}, valid against the schema it names, with snake_case keys. */
    private JsonNode valid(String what, String text) throws Exception {
        printed.add("$ " + what + "\n" + text);
        List<JsonNode> documents;
        try (JsonParser parser = JSON.createParser(text);
             MappingIterator<JsonNode> values = JSON.readValues(parser, JsonNode.class)) {
            documents = values.readAll();
        }
        assertEquals(1, documents.size(), what + ": one document on stdout: " + text);
        JsonNode document = documents.get(0);
        String name = document.path("schema").asText();
        assertTrue(name.matches("lifeboat/[a-z-]+/v1"), what + ": " + text);
        String kind = name.substring("lifeboat/".length(), name.length() - "/v1".length());
        Schema schema = SCHEMAS.getSchema(SchemaLocation.of("classpath:schema/" + kind + ".json"));
        List<Error> errors = schema.validate(document);
        assertEquals(List.of(), errors.stream().map(Object::toString).toList(), what + ": " + text);
        snakeCase(what, "", document);
        return document;
    }

    private static void snakeCase(String what, String field, JsonNode node) {
        if (node.isArray()) {
            node.forEach(element -> snakeCase(what, "", element));
        } else if (node.isObject() && BY_NAME.contains(field)) {
            node.forEach(value -> snakeCase(what, "", value));
        } else if (node.isObject() && !DATA.contains(field)) {
            node.fields().forEachRemaining(e -> {
                assertTrue(SNAKE.matcher(e.getKey()).matches(), what + ": key '" + e.getKey() + "' is not snake_case");
                snakeCase(what, e.getKey(), e.getValue());
            });
        }
    }

    private void cover(String... args) {
        String first = args[0];
        covered.add(Set.of("catalog", "config", "wal").contains(first) ? first + " " + args[1] : first);
    }

    private static void collect(CommandLine command, Set<String> names) {
        for (CommandLine sub : command.getSubcommands().values()) {
            if (sub.getSubcommands().isEmpty()) { // a group (catalog, config, wal) only names its commands
                names.add(sub.getCommandSpec().qualifiedName(" ").replaceFirst("^lifeboat ", ""));
            }
            collect(sub, names);
        }
    }
}
