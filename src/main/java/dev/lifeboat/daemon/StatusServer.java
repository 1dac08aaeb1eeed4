package dev.lifeboat.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lifeboat.DaemonThreads;
import dev.lifeboat.catalog.BackupEntry;
import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.config.LifeboatConfig;
import dev.lifeboat.config.ServerConfig;
import dev.lifeboat.manifest.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * /metrics (Prometheus), /health (503 when a job is stale), /api/jobs and /api/backups (JSON),
 * read-only, on the configured address. Nothing served comes from secret config values, and all
 * of it passes the config's mask as a second line of defence.
 */
public final class StatusServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts serving; {@code config} supplies the current config, which changes on reload. */
    public static StatusServer start(ServerConfig listen, Supplier<LifeboatConfig> config, JobStatuses statuses,
                                     Optional<JobRecords> records) throws IOException {
        return start(listen, config, statuses, records, List::of);
    }

    /** @param wal the physical jobs' WAL archives as last checked, for /metrics */
    public static StatusServer start(ServerConfig listen, Supplier<LifeboatConfig> config, JobStatuses statuses,
                                     Optional<JobRecords> records, Supplier<List<WalWatch.Status>> wal)
            throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, DaemonThreads.named("lifeboat-http"));
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    send(exchange, 405, "text/plain", "only GET\n");
                    return;
                }
                LifeboatConfig current = config.get();
                String path = exchange.getRequestURI().getPath();
                switch (path) {
                    case "/metrics" -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                            current.mask(Metrics.served(statuses.all(current), wal.get())));
                    case "/health" -> health(exchange, current, statuses.all(current));
                    case "/api/jobs" -> send(exchange, 200, "application/json",
                            current.mask(Json.writeString(Json.document("api-jobs", Map.of("jobs",
                                    statuses.all(current).stream().map(JobStatus::toJson).toList())))));
                    case "/api/backups" -> send(exchange, 200, "application/json",
                            current.mask(Json.writeString(Json.document("api-backups", Map.of("backups",
                                    backups(current, records, exchange))))));
                    default -> send(exchange, 404, "text/plain", "not found; try /metrics, /health, /api/jobs,"
                            + " /api/backups\n");
                }
            } catch (RuntimeException e) {
                send(exchange, 500, "text/plain", "internal error: " + e.getClass().getSimpleName() + "\n");
            }
        });
        server.start();
        return new StatusServer(server, executor);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static void health(HttpExchange exchange, LifeboatConfig config, List<JobStatus> jobs) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        List<String> stale = jobs.stream().filter(JobStatus::stale).map(JobStatus::job).toList();
        body.put("status", stale.isEmpty() ? "ok" : "stale");
        body.put("stale_jobs", stale);
        Map<String, Object> perJob = new LinkedHashMap<>();
        for (JobStatus job : jobs) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("stale", job.stale());
            entry.put("last_success", job.lastSuccess().map(Object::toString).orElse(null));
            entry.put("allowed_age_seconds", job.allowedAge().map(d -> d.toSeconds()).orElse(null));
            perJob.put(job.job(), entry);
        }
        body.put("jobs", perJob);
        send(exchange, stale.isEmpty() ? 200 : 503, "application/json", config.mask(Json.writeString(Json.document("health", body))));
    }

    private static List<BackupEntry> backups(LifeboatConfig config, Optional<JobRecords> records,
                                             HttpExchange exchange) {
        String query = Optional.ofNullable(exchange.getRequestURI().getQuery()).orElse("");
        Optional<String> only = java.util.Arrays.stream(query.split("&")).filter(p -> p.startsWith("job="))
                .map(p -> p.substring(4)).findFirst();
        List<BackupEntry> all = new ArrayList<>();
        for (String job : config.jobs().keySet()) {
            if (only.isEmpty() || only.get().equals(job)) {
                records.ifPresent(r -> all.addAll(r.backups(job)));
            }
        }
        return all;
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }
}
