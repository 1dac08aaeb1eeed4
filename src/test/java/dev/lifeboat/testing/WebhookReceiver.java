package dev.lifeboat.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An HTTP server in the test JVM that records every request and answers with the statuses it is given. */
public final class WebhookReceiver implements AutoCloseable {
    /** One request as it arrived. */
    public record Request(String method, String path, String body) {
    }

    private final HttpServer server;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    private final Deque<Integer> statuses;
    private final int otherwise;

    /** Answers with {@code first} statuses in order, then {@code otherwise} for ever. */
    public WebhookReceiver(List<Integer> first, int otherwise) throws IOException {
        this.statuses = new ArrayDeque<>(first);
        this.otherwise = otherwise;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            try (exchange) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), body));
                int status;
                synchronized (statuses) {
                    status = statuses.isEmpty() ? this.otherwise : statuses.removeFirst();
                }
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.start();
    }

    public static WebhookReceiver ok() throws IOException {
        return new WebhookReceiver(List.of(), 200);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next request, waiting up to 20 s for it (the deliveries run on their own thread). */
    public Request next() throws InterruptedException {
        Request request = requests.poll(20, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request arrived within 20 s");
        }
        return request;
    }

    /** Requests that arrived and were not taken yet. */
    public List<Request> pending() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
