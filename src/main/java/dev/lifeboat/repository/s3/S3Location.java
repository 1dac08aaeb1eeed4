package dev.lifeboat.repository.s3;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code s3://bucket/prefix?endpoint=URL&region=R&path-style=true|false&part-size=8MiB&...}.
 * The URL holds no secrets: credentials come from the environment (variables named here, or the
 * standard AWS ones), so the URL can be printed back as it was given.
 */
public record S3Location(String bucket, String prefix, Optional<URI> endpoint, Optional<String> region,
                         boolean pathStyle, long partSize, Duration connectTimeout, Duration timeout,
                         int retries, Optional<String> accessKeyEnv, Optional<String> secretKeyEnv,
                         String printable) {
    /** The form of the URL, as help texts show it. */
    public static final String FORM = "s3://BUCKET/PREFIX?endpoint=URL";
    public static final long MIN_PART_SIZE = 5L << 20;
    static final long MAX_PART_SIZE = 5L << 30;
    private static final Set<String> KNOWN = Set.of("endpoint", "region", "path-style", "part-size",
            "connect-timeout", "timeout", "retries", "access-key-env", "secret-key-env");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(|b|k|kb|kib|m|mb|mib|g|gb|gib)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|min)?");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public static boolean matches(String spec) {
        return spec.startsWith("s3://");
    }

    public static S3Location parse(String spec) {
        String rest = spec.substring("s3://".length());
        int query = rest.indexOf('?');
        String path = query < 0 ? rest : rest.substring(0, query);
        Map<String, String> options = options(query < 0 ? "" : rest.substring(query + 1));
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        if (bucket.contains("@") || bucket.contains(":")) {
            throw usage("put S3 credentials in environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY),"
                    + " never in the repository URL");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw usage("'" + bucket + "' is not a valid S3 bucket name; use s3://BUCKET/PREFIX?endpoint=...");
        }
        String prefix = (slash < 0 ? "" : path.substring(slash + 1)).replaceAll("/+$", "").replaceAll("^/+", "");
        Optional<URI> endpoint = Optional.ofNullable(options.get("endpoint")).map(S3Location::endpoint);
        long partSize = size(options.getOrDefault("part-size", "8MiB"));
        if (partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
            throw usage("part-size must be between 5MiB (the S3 minimum) and 5GiB");
        }
        int retries = number("retries", options.getOrDefault("retries", "4"));
        Optional<String> accessEnv = envName(options, "access-key-env");
        Optional<String> secretEnv = envName(options, "secret-key-env");
        if (accessEnv.isPresent() != secretEnv.isPresent()) {
            throw usage("give both access-key-env and secret-key-env, or neither");
        }
        String printable = "s3://" + bucket + (prefix.isEmpty() ? "" : "/" + prefix)
                + (query < 0 ? "" : "?" + rest.substring(query + 1));
        return new S3Location(bucket, prefix, endpoint, Optional.ofNullable(options.get("region")),
                Boolean.parseBoolean(options.getOrDefault("path-style", String.valueOf(endpoint.isPresent()))),
                partSize, duration("connect-timeout", options.getOrDefault("connect-timeout", "10s")),
                duration("timeout", options.getOrDefault("timeout", "60s")), retries, accessEnv, secretEnv,
                printable);
    }

    /** The object key of a path relative to the repository. */
    public String key(String relative) {
        return prefix.isEmpty() ? relative : prefix + "/" + relative;
    }

    @Override
    public String toString() {
        return printable;
    }

    private static Map<String, String> options(String query) {
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            if (!KNOWN.contains(name)) {
                // Only the name is echoed: a value could be a secret typed in the wrong place.
                throw usage("unknown S3 repository option '" + name + "'; known: " + String.join(", ",
                        new java.util.TreeSet<>(KNOWN)));
            }
            options.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return options;
    }

    private static URI endpoint(String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            throw usage("endpoint is not a URL; use e.g. endpoint=https://s3.example.com");
        }
        if (uri.getRawUserInfo() != null) {
            throw usage("put S3 credentials in environment variables, never in the endpoint URL");
        }
        if (uri.getHost() == null || !Set.of("http", "https").contains(String.valueOf(uri.getScheme()))) {
            throw usage("endpoint must be an http:// or https:// URL with a host");
        }
        return uri;
    }

    static long size(String value) {
        Matcher m = SIZE.matcher(value.trim());
        if (!m.matches()) {
            throw usage("part-size '" + value + "' is not a size; use e.g. 8MiB");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k", "kb", "kib" -> n << 10;
            case "m", "mb", "mib" -> n << 20;
            case "g", "gb", "gib" -> n << 30;
            default -> n;
        };
    }

    static Duration duration(String name, String value) {
        Matcher m = DURATION.matcher(value.trim());
        if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
            throw usage(name + " '" + value + "' is not a duration; use e.g. 30s, 500ms or 2m");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m", "min" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
    }

    private static int number(String name, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0 && n <= 20) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(name + " '" + value + "' must be a whole number from 0 to 20");
    }

    private static Optional<String> envName(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value != null && !ENV_NAME.matcher(value).matches()) {
            throw usage(name + " must name an environment variable (letters, digits, _), not hold a value");
        }
        return Optional.ofNullable(value);
    }

    private static LifeboatException usage(String message) {
        return new LifeboatException(ExitCode.USAGE, message);
    }
}
