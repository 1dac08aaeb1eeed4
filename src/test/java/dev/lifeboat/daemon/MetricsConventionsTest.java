package dev.lifeboat.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.RunStatus;
import dev.lifeboat.testing.Cli;
import dev.lifeboat.testing.Promtool;
import dev.lifeboat.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics follow Prometheus' conventions: promtool accepts what the daemon serves and what
 * {@code run --metrics-textfile} writes, the job is the {@code lifeboat_job} label (never {@code job},
 * which Prometheus owns), and verification is a timestamp, as success is.
 */
class MetricsConventionsTest {
    private static final Pattern JOB_LABEL = Pattern.compile("[{,]job=");

    @TempDir
    Path dir;

    @Test
    void servedMetricsPassPromtoolWithAwkwardJobNames() {
        Instant at = Instant.parse("2025-03-01T02:15:00.250Z");
        JobStatus odd = new JobStatus("say \"hi\" \\ there", "backup", Optional.of("0 2 * * *"),
                Optional.of(at.plusSeconds(86_400)), true, Optional.of(at), Optional.of(RunStatus.COMPLETED),
                Optional.empty(), Optional.of(1_500L), Optional.of(4096L), Optional.of(1024L),
                Map.of("backup", Map.of(RunStatus.COMPLETED, 3L, RunStatus.FAILED, 1L), "verify",
                        Map.of(RunStatus.COMPLETED, 1L)), Optional.of(at.plusSeconds(3600)),
                Optional.of(Duration.ofDays(1)), false);
        JobStatus never = new JobStatus("never", "purge", Optional.empty(), Optional.empty(), false, Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(),
                Optional.empty(), Optional.empty(), true);
        String served = Metrics.served(List.of(odd, never));

        Promtool.checkMetrics(served, dir);
        assertTrue(served.contains("lifeboat_up 1\n"), served);
        assertTrue(served.contains("lifeboat_job_last_verification_timestamp_seconds{lifeboat_job=\"say \\\"hi\\\" \\\\"
                + " there\"} 1740798900.250"), served);
        assertTrue(served.contains("lifeboat_job_stale{lifeboat_job=\"never\"} 1"), served);
        assertFalse(JOB_LABEL.matcher(served).find(), served);
        assertFalse(served.contains("verification_age"), served);
    }

    @Test
    void runWritesTheConfigsMetricsToATextfileThatPromtoolAccepts() throws Exception {
        Path textfile = dir.resolve("collector/lifeboat.prom");
        Files.createDirectories(textfile.getParent());

        Cli.Result backup = run("shop", textfile);
        assertEquals(0, backup.exit(), backup.toString());
        Cli.Result verify = run("shop", textfile, "--verify");
        assertEquals(0, verify.exit(), verify.toString());

        String written = Files.readString(textfile);
        Promtool.checkMetrics(textfile);
        assertTrue(written.contains("lifeboat_job_runs_total{lifeboat_job=\"shop\",task=\"backup\",status=\"completed\"} 1"),
                written);
        assertTrue(written.contains("lifeboat_job_runs_total{lifeboat_job=\"shop\",task=\"verify\",status=\"completed\"} 1"),
                written);
        assertTrue(written.contains("lifeboat_job_last_verification_timestamp_seconds{lifeboat_job=\"shop\"} "), written);
        assertTrue(written.contains("lifeboat_job_stale{lifeboat_job=\"broken\"} 0"), "every job of the config: " + written);
        assertFalse(written.contains("lifeboat_up"), "a run is no daemon: " + written);
        assertFalse(JOB_LABEL.matcher(written).find(), written);
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(textfile)),
                "the collector runs as another user");
        try (Stream<Path> files = Files.list(textfile.getParent())) {
            assertEquals(List.of(textfile), files.toList(), "no temp file left beside it");
        }
    }

    @Test
    void aFailedRunStillCountsItsFailureInTheTextfile() throws Exception {
        Path textfile = dir.resolve("lifeboat.prom");
        Cli.Result failed = run("broken", textfile);

        assertEquals(ExitCode.SOURCE.code(), failed.exit(), failed.toString());
        Promtool.checkMetrics(textfile);
        String written = Files.readString(textfile);
        assertTrue(written.contains("lifeboat_job_failures_total{lifeboat_job=\"broken\",task=\"backup\"} 1"), written);
        assertFalse(written.contains("lifeboat_job_last_success_timestamp_seconds{lifeboat_job=\"broken\"}"), written);
    }

    @Test
    void aTextfileThatCannotBeWrittenFailsTheRunNamingIt() throws Exception {
        Path textfile = dir.resolve("no-such-folder/lifeboat.prom");
        Cli.Result result = run("shop", textfile);

        assertEquals(ExitCode.SOURCE.code(), result.exit(), result.toString());
        List<String> lines = result.err().lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("lifeboat: cannot write the metrics textfile " + textfile + ": "), result.err());
        assertTrue(last.contains("the folder " + textfile.getParent() + " does not exist; create it"), last);
        assertFalse(Files.exists(textfile.getParent()));
    }

    /** Runs a job of the test's config (made on first use), writing the metrics to {@code textfile}. */
    private Cli.Result run(String job, Path textfile, String... more) throws Exception {
        Path config = dir.resolve("lifeboat.yaml");
        if (!Files.exists(config)) {
            config();
        }
        List<String> args = new java.util.ArrayList<>(List.of("run", job, "--config", config.toString(),
                "--metrics-textfile", textfile.toString()));
        args.addAll(List.of(more));
        return new Cli(dir.resolve("scratch")).run(args.toArray(String[]::new));
    }

    private Path config() throws Exception {
        Path db = dir.resolve("shop.db");
        TestDatabases.walWithUncheckpointedRows(db, 50).close();
        return Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  shop:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                  broken:
                    source: %s
                    repositories: [ %s ]
                    encryption: none
                """.formatted(db, dir.resolve("repo"), dir.resolve("missing.db"), dir.resolve("repo2")));
    }
}
