package dev.lifeboat.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What reading one config file needs: the environment for {@code ${VAR}} references, and the
 * problems and secret values found so far. Secret values are remembered so that they can be
 * masked wherever config values are printed.
 */
final class ConfigContext {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private final String file;
    private final Map<String, String> env;
    private final List<Problem> problems = new ArrayList<>();
    private final Set<String> secrets = new LinkedHashSet<>();
    private final Set<String> secretReferences = new LinkedHashSet<>();

    ConfigContext(String file, Map<String, String> env) {
        this.file = file;
        this.env = Map.copyOf(env);
    }

    void problem(Node at, String message) {
        problems.add(new Problem(file, at.position(), at.path(), message));
    }

    void problemAt(Node.Position position, String path, String message) {
        problems.add(new Problem(file, position, path, message));
    }

    List<Problem> problems() {
        return List.copyOf(problems);
    }

    Set<String> secrets() {
        return Set.copyOf(secrets);
    }

    /** The names of the variables that secret fields reference as {@code ${VAR}}. */
    Set<String> secretReferences() {
        return Set.copyOf(secretReferences);
    }

    String file() {
        return file;
    }

    /** A plain value with {@code ${VAR}} references filled in; empty (and a problem) otherwise. */
    Optional<String> text(Node node) {
        if (!(node instanceof Node.Scalar scalar) || scalar.isNull()) {
            problem(node, "must be a single value, not " + (node instanceof Node.Scalar ? "empty" : node.describe()));
            return Optional.empty();
        }
        Matcher m = REFERENCE.matcher(scalar.text());
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null) {
                problem(node, "environment variable " + m.group(1) + " is not set; export it before starting"
                        + " lifeboat (for systemd: Environment= or EnvironmentFile=)");
                ok = false;
                value = "";
            }
            remember(value);
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        if (ok && out.indexOf("${") >= 0) {
            problem(node, "has a malformed reference; write ${NAME} with letters, digits and '_'");
            return Optional.empty();
        }
        return ok ? Optional.of(out.toString()) : Optional.empty();
    }

    /**
     * A secret: {@code ${VAR}} or {@code file:PATH} (the file's content, trimmed). A literal is
     * refused so that no secret is ever written into the config file itself.
     */
    Optional<String> secret(Node node) {
        if (node instanceof Node.Scalar scalar && !scalar.isNull()) {
            String raw = scalar.text().trim();
            if (raw.startsWith("file:")) {
                Path path = Path.of(raw.substring("file:".length()));
                try {
                    String value = Files.readString(path, StandardCharsets.UTF_8).trim();
                    remember(value);
                    return Optional.of(value);
                } catch (IOException e) {
                    problem(node, "cannot read the secret file " + path + " (" + e.getClass().getSimpleName()
                            + "); create it readable by the lifeboat user, or use ${ENV_VAR}");
                    return Optional.empty();
                }
            }
            Matcher reference = REFERENCE.matcher(raw);
            if (!reference.matches()) {
                problem(node, "is a secret: write it as ${ENV_VAR} or file:/path/to/secret, never literally");
                return Optional.empty();
            }
            secretReferences.add(reference.group(1));
        }
        return text(node);
    }

    /** Values shorter than four characters are not masked: they would blank out ordinary text. */
    void remember(String secret) {
        if (secret.length() >= 4) {
            secrets.add(secret);
        }
    }
}
