package dev.lifeboat.daemon;

import dev.lifeboat.Version;
import dev.lifeboat.catalog.RunStatus;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Renders job statuses in the Prometheus text exposition format (version 0.0.4). The job's label is
 * {@code lifeboat_job}: Prometheus sets {@code job} on every target itself, and a scraped {@code job}
 * label would be renamed {@code exported_job}.
 */
public final class Metrics {
    private Metrics() {
    }

    /** What the daemon serves on /metrics: {@code lifeboat_up} and the jobs' metrics. */
    public static String served(List<JobStatus> jobs) {
        return served(jobs, List.of());
    }

    /** {@link #served(List)} and the WAL archives of physical jobs, as the daemon last checked them. */
    public static String served(List<JobStatus> jobs, List<WalWatch.Status> wal) {
        StringBuilder out = new StringBuilder();
        header(out, "lifeboat_up", "gauge", "1 while the Lifeboat daemon runs.");
        out.append("lifeboat_up 1\n");
        return out.append(jobs(jobs)).append(wal(wal)).toString();
    }

    private static String wal(List<WalWatch.Status> wal) {
        StringBuilder out = new StringBuilder();
        if (wal.isEmpty()) {
            return "";
        }
        gauge(out, wal, "lifeboat_wal_last_archived_timestamp_seconds", "When the physical job's newest WAL"
                + " file was archived (Unix time; the oldest such time of its repositories).",
                w -> w.lastArchived().map(Metrics::seconds));
        gauge(out, wal, "lifeboat_wal_archive_lag_seconds", "Seconds since the physical job's newest WAL file"
                + " was archived, at the daemon's last check.", w -> w.lag().map(d -> d.toMillis() / 1000.0));
        gauge(out, wal, "lifeboat_wal_window_start_timestamp_seconds", "The earliest time a point-in-time"
                + " restore of the job can reach (Unix time).", w -> w.windowStart().map(Metrics::seconds));
        gauge(out, wal, "lifeboat_wal_window_end_timestamp_seconds", "The latest time a point-in-time"
                + " restore of the job can reach (Unix time).", w -> w.windowEnd().map(Metrics::seconds));
        header(out, "lifeboat_wal_gaps", "gauge", "WAL segments missing or damaged in the job's archive.");
        wal.forEach(w -> line(out, "lifeboat_wal_gaps", label(w.job()), w.gaps()));
        return out.toString();
    }

    /** One gauge of the WAL archives: a line per job that has a value. */
    private static void gauge(StringBuilder out, List<WalWatch.Status> wal, String name, String help,
                              java.util.function.Function<WalWatch.Status, java.util.Optional<Double>> value) {
        header(out, name, "gauge", help);
        wal.forEach(w -> value.apply(w).ifPresent(v -> line(out, name, label(w.job()), v)));
    }

    /**
     * What {@code run --metrics-textfile} writes for node_exporter's textfile collector: the jobs'
     * metrics without {@code lifeboat_up}, which would claim a daemon long after the run ended.
     */
    public static String textfile(List<JobStatus> jobs) {
        return jobs(jobs);
    }

    private static String jobs(List<JobStatus> jobs) {
        StringBuilder out = new StringBuilder();
        header(out, "lifeboat_build_info", "gauge", "The running Lifeboat version.");
        out.append("lifeboat_build_info{version=\"").append(Version.current()).append("\"} 1\n");
        header(out, "lifeboat_job_last_success_timestamp_seconds", "gauge", "When the job last succeeded (Unix time).");
        jobs.forEach(j -> j.lastSuccess().ifPresent(t -> line(out, "lifeboat_job_last_success_timestamp_seconds",
                labels(j), seconds(t))));
        header(out, "lifeboat_job_last_duration_seconds", "gauge", "Duration of the job's last successful run.");
        jobs.forEach(j -> j.lastDurationMillis().ifPresent(ms -> line(out, "lifeboat_job_last_duration_seconds",
                labels(j), ms / 1000.0)));
        header(out, "lifeboat_job_last_size_bytes", "gauge", "Size of the last backup, plain and as stored.");
        jobs.forEach(j -> {
            j.lastPlainBytes().ifPresent(b -> line(out, "lifeboat_job_last_size_bytes", labels(j) + ",form=\"plain\"", b));
            j.lastStoredBytes().ifPresent(b -> line(out, "lifeboat_job_last_size_bytes", labels(j) + ",form=\"stored\"", b));
        });
        header(out, "lifeboat_job_runs_total", "counter", "Finished runs by task and status, from the catalog.");
        jobs.forEach(j -> j.runsByTaskAndStatus().forEach((task, counts) -> counts.forEach((status, n) ->
                line(out, "lifeboat_job_runs_total", labels(j) + ",task=\"" + task + "\",status=\""
                        + status.name().toLowerCase(Locale.ROOT) + "\"", n))));
        header(out, "lifeboat_job_failures_total", "counter", "Failed runs by task, from the catalog.");
        jobs.forEach(j -> j.runsByTaskAndStatus().forEach((task, counts) -> line(out, "lifeboat_job_failures_total",
                labels(j) + ",task=\"" + task + "\"", counts.getOrDefault(RunStatus.FAILED, 0L))));
        header(out, "lifeboat_job_last_verification_timestamp_seconds", "gauge", "When a backup of the job last"
                + " passed verification (Unix time).");
        jobs.forEach(j -> j.lastVerified().ifPresent(t -> line(out, "lifeboat_job_last_verification_timestamp_seconds",
                labels(j), seconds(t))));
        header(out, "lifeboat_job_stale", "gauge", "1 when the last success is older than the job's allowed age.");
        jobs.forEach(j -> line(out, "lifeboat_job_stale", labels(j), j.stale() ? 1 : 0));
        header(out, "lifeboat_job_running", "gauge", "1 while a run of the job is in progress.");
        jobs.forEach(j -> line(out, "lifeboat_job_running", labels(j), j.running() ? 1 : 0));
        header(out, "lifeboat_job_next_run_timestamp_seconds", "gauge", "When the job is next scheduled (Unix time).");
        jobs.forEach(j -> j.nextRun().ifPresent(t -> line(out, "lifeboat_job_next_run_timestamp_seconds", labels(j),
                seconds(t))));
        return out.toString();
    }

    private static String labels(JobStatus job) {
        return label(job.job());
    }

    private static String label(String job) {
        return "lifeboat_job=\"" + job.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static double seconds(Instant t) {
        return t.toEpochMilli() / 1000.0;
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void line(StringBuilder out, String name, String labels, Object value) {
        String text = value instanceof Double d ? (d == Math.rint(d) && !Double.isInfinite(d)
                ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.3f", d)) : String.valueOf(value);
        out.append(name).append('{').append(labels).append("} ").append(text).append('\n');
    }
}
