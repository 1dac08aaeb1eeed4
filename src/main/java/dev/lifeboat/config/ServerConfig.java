package dev.lifeboat.config;

/** Where the daemon serves /metrics, /health and /api; port 0 picks a free port (it is logged). */
public record ServerConfig(String host, int port) {
    public String describe() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
