package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A parsed {@code postgresql://user@host:port/db?sslmode=…&password-env=VAR}. It never holds a
 * password: a password written into the URL would show in process lists and shell history, so
 * it is refused. A host starting with '/' is a unix socket folder, as in libpq.
 */
record PgUrl(String user, String host, int port, String database, String sslmode, String passwordEnv) {
    static final String DEFAULT_SOCKET_DIR = "/var/run/postgresql";
    private static final String[] SCHEMES = {"postgresql://", "postgres://"};

    static boolean accepts(String spec) {
        for (String scheme : SCHEMES) {
            if (spec.startsWith(scheme)) {
                return true;
            }
        }
        return false;
    }

    static PgUrl parse(String spec) {
        String rest = null;
        for (String scheme : SCHEMES) {
            if (spec.startsWith(scheme)) {
                rest = spec.substring(scheme.length());
            }
        }
        if (rest == null) {
            throw usage("'" + spec + "' is not a postgresql:// URL");
        }
        int question = rest.indexOf('?');
        Map<String, String> query = query(question < 0 ? "" : rest.substring(question + 1));
        rest = question < 0 ? rest : rest.substring(0, question);
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String database = slash < 0 ? "" : decode(rest.substring(slash + 1));
        String user = null;
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            if (userInfo.contains(":")) {
                throw usage("a password in the URL would show in process lists and logs; remove it and give it"
                        + " through PGPASSWORD, ~/.pgpass or password-env=VAR");
            }
            user = decode(userInfo);
            authority = authority.substring(at + 1);
        }
        String host = authority;
        int port = 5432;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && !authority.endsWith("]")) {
            host = authority.substring(0, colon);
            port = port(authority.substring(colon + 1));
        }
        host = decode(host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host);
        host = query.getOrDefault("host", host.isEmpty() ? DEFAULT_SOCKET_DIR : host);
        if (query.containsKey("port")) {
            port = port(query.get("port"));
        }
        user = query.getOrDefault("user", user == null ? "postgres" : user);
        database = query.getOrDefault("dbname", database);
        String sslmode = query.get("sslmode");
        if (sslmode != null && !sslmode.matches("disable|allow|prefer|require|verify-ca|verify-full")) {
            throw usage("sslmode=" + sslmode + " is not one of disable, allow, prefer, require, verify-ca,"
                    + " verify-full");
        }
        String passwordEnv = query.get("password-env");
        if (passwordEnv != null && !passwordEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw usage("password-env=" + passwordEnv + " is not an environment variable name");
        }
        return new PgUrl(user, host, port, database, sslmode, passwordEnv);
    }

    private static Map<String, String> query(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (key.equals("password")) {
                throw usage("a password in the URL would show in process lists and logs; remove it and give it"
                        + " through PGPASSWORD, ~/.pgpass or password-env=VAR");
            }
            if (PostgresOptions.DECLARED.stream().anyMatch(o -> o.name().equals(key))) {
                throw usage("'" + key + "' is an option, not a URL parameter; take it out of the URL and give --"
                        + key + " on the command line, or source-options: { " + key + ": ... } in a job");
            }
            if (!key.matches("sslmode|password-env|host|port|user|dbname")) {
                throw usage("unknown parameter '" + key + "' in the PostgreSQL URL; known: sslmode, password-env,"
                        + " host, port, user, dbname");
            }
            values.put(key, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return values;
    }

    private static int port(String text) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage("port '" + text + "' in the PostgreSQL URL is not a port number");
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static LifeboatException usage(String message) {
        return EngineFailure.request(message);
    }

    boolean unixSocket() {
        return host.startsWith("/");
    }

    PgUrl withDatabase(String name) {
        return new PgUrl(user, host, port, name, sslmode, passwordEnv);
    }

    /** The server and database, without user or parameters: what a database is, however it is reached. */
    String identity() {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /** host:port, or the socket folder and port, for messages. */
    String server() {
        return (unixSocket() ? "socket " + host : host) + ":" + port;
    }

    /** Printable and parseable again; holds no secret (a variable's name is not one). */
    String location() {
        StringBuilder url = new StringBuilder("postgresql://").append(encode(user)).append('@');
        if (!unixSocket()) {
            url.append(host.contains(":") ? "[" + host + "]" : host);
        }
        url.append(':').append(port).append('/').append(encode(database));
        StringBuilder query = new StringBuilder();
        if (unixSocket()) {
            query.append("&host=").append(encode(host));
        }
        if (sslmode != null) {
            query.append("&sslmode=").append(sslmode);
        }
        if (passwordEnv != null) {
            query.append("&password-env=").append(passwordEnv);
        }
        return url + (query.length() == 0 ? "" : "?" + query.substring(1));
    }

    private static String encode(String text) {
        return java.net.URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
    }
}
