package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sftp://[user@]host[:port]/path?fingerprint=SHA256:...&connect-timeout=10s&timeout=60s&retries=4}.
 * One slash before the path means a folder relative to the login folder (usually the home
 * folder), two mean an absolute path: {@code sftp://u@nas//srv/backups} is {@code /srv/backups}.
 * The URL holds no secrets (keys come from files or the agent), so it is printed as given.
 *
 * @param root the folder on the server, without a trailing slash; absolute, relative, or empty
 *             for the login folder itself
 */
public record SftpLocation(String user, String host, int port, String root, Optional<String> fingerprint,
                           Duration connectTimeout, Duration timeout, int retries, String printable) {
    public static final String SCHEME = "sftp://";
    /** The form of the URL, as help texts show it. */
    public static final String FORM = "sftp://USER@HOST:PORT/PATH";
    private static final Set<String> KNOWN = Set.of("fingerprint", "connect-timeout", "timeout", "retries");
    private static final Pattern FINGERPRINT = Pattern.compile("(SHA256|SHA512|SHA1|MD5):\\S+");
    private static final Pattern DURATION = Pattern.compile("([1-9]\\d{0,6})(ms|s|m)?");

    public static boolean matches(String spec) {
        return spec.startsWith(SCHEME);
    }

    /** @param localUser the user to log in as when the URL names none (as ssh does) */
    public static SftpLocation parse(String spec, String localUser) {
        URI uri;
        try {
            uri = new URI(spec);
        } catch (URISyntaxException e) {
            throw usage("'" + spec.replaceAll("[?#].*", "") + "' is not an SFTP URL; use sftp://USER@HOST:PORT/PATH");
        }
        if (uri.getRawUserInfo() != null && uri.getRawUserInfo().contains(":")) {
            throw usage("SFTP repositories log in with a key only; remove the password from the URL and use"
                    + " LIFEBOAT_SFTP_KEY_FILE or ssh-agent");
        }
        if (uri.getHost() == null) {
            throw usage("'" + spec.replaceAll("[?#].*", "") + "' names no host; use sftp://USER@HOST:PORT/PATH");
        }
        Map<String, String> options = options(uri.getRawQuery());
        String user = uri.getUserInfo() == null ? localUser : uri.getUserInfo();
        if (user == null || user.isEmpty()) {
            throw usage("no user to log in as; name one in the URL: sftp://USER@" + uri.getHost() + "/PATH");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String root = (path.startsWith("//") ? path.substring(1) : path.replaceFirst("^/", ""))
                .replaceAll("/+$", "");
        if (root.isEmpty() && path.startsWith("//")) {
            root = "/";
        }
        Optional<String> fingerprint = Optional.ofNullable(options.get("fingerprint"));
        if (fingerprint.isPresent() && !FINGERPRINT.matcher(fingerprint.get()).matches()) {
            throw usage("fingerprint= must look like SHA256:BASE64; copy it from 'ssh-keygen -lf' run on the"
                    + " server's host key");
        }
        return new SftpLocation(user, uri.getHost().replaceAll("^\\[|]$", ""), uri.getPort() < 0 ? 22 : uri.getPort(),
                root, fingerprint, duration("connect-timeout", options.getOrDefault("connect-timeout", "10s")),
                duration("timeout", options.getOrDefault("timeout", "60s")),
                retries(options.getOrDefault("retries", "4")), spec);
    }

    /** The path on the server of a key (or of the root for the empty key). */
    String path(String key) {
        if (key.isEmpty()) {
            return root.isEmpty() ? "." : root;
        }
        return root.isEmpty() ? key : root.endsWith("/") ? root + key : root + "/" + key;
    }

    /** {@code host:port} as the messages name the server. */
    String server() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return printable;
    }

    private static Map<String, String> options(String query) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (!KNOWN.contains(name)) {
                throw usage("unknown SFTP repository option '" + name + "'; known: "
                        + String.join(", ", new TreeSet<>(KNOWN)));
            }
            options.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return options;
    }

    /** Percent-decoding only: a '+' in a base64 fingerprint is a plus, not a space. */
    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static Duration duration(String name, String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches()) {
            throw usage(name + " '" + value + "' is not a duration; use e.g. 30s, 500ms or 2m");
        }
        long n = Long.parseLong(m.group(1));
        return "ms".equals(m.group(2)) ? Duration.ofMillis(n) : "m".equals(m.group(2)) ? Duration.ofMinutes(n)
                : Duration.ofSeconds(n);
    }

    private static int retries(String value) {
        if (value.trim().matches("1?\\d|20")) {
            return Integer.parseInt(value.trim());
        }
        throw usage("retries '" + value + "' must be a whole number from 0 to 20");
    }

    private static LifeboatException usage(String message) {
        return new LifeboatException(ExitCode.USAGE, message);
    }
}
