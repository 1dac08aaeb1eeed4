package dev.lifeboat.config;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.hooks.Hook;
import dev.lifeboat.hooks.HookPoint;
import dev.lifeboat.hooks.Hooks;
import dev.lifeboat.notify.NotifySettings;
import dev.lifeboat.notify.SmtpSettings;
import dev.lifeboat.notify.WebhookTarget;
import dev.lifeboat.purge.PurgeRule;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.source.PurgeDialect;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The nested sections of a config file: retention, encryption, hooks, notify, guards, rules, smtp, server. */
final class Sections {
    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_$]*";
    private static final String ENV_NAME = "[A-Za-z_][A-Za-z0-9_]*";
    private final ConfigContext context;

    Sections(ConfigContext context) {
        this.context = context;
    }

    Optional<RetentionPolicy> retention(Node node) {
        Fields f = new Fields(context, node, "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly",
                "keep-yearly", "keep-within", "max-count", "max-age");
        Duration within = duration(f, "keep-within");
        RetentionPolicy policy = new RetentionPolicy(f.integer("keep-last", 0, 100_000, 0),
                f.integer("keep-hourly", 0, 100_000, 0), f.integer("keep-daily", 0, 100_000, 0),
                f.integer("keep-weekly", 0, 100_000, 0), f.integer("keep-monthly", 0, 100_000, 0),
                f.integer("keep-yearly", 0, 100_000, 0), within)
                .capped(f.integer("max-count", 0, 100_000, 0), duration(f, "max-age"));
        if (policy.keepsNothing()) {
            context.problem(node, "keeps nothing; give at least one keep-* rule, e.g. keep-daily: 7, or a cap,"
                    + " e.g. max-count: 3");
            return Optional.empty();
        }
        return Optional.of(policy);
    }

    private Duration duration(Fields f, String key) {
        Optional<String> text = f.string(key);
        if (text.isPresent()) {
            try {
                return RetentionPolicy.parseDuration(text.get());
            } catch (LifeboatException e) {
                context.problem(f.get(key).orElseThrow(), e.getMessage());
            }
        }
        return Duration.ZERO;
    }

    EncryptionConfig encryption(Node node) {
        if (node instanceof Node.Scalar) {
            String text = context.text(node).orElse("none");
            if (!text.trim().equals("none")) {
                context.problem(node, "'" + text + "' is not an encryption; use none, or { recipients: [ \"age1...\" ] },"
                        + " { passphrase: ${VAR} } or { pgp-public-key: FILE }");
            }
            return EncryptionConfig.NONE;
        }
        Fields f = new Fields(context, node, "recipients", "passphrase", "pgp-public-key", "identity",
                "pgp-private-key", "pgp-passphrase");
        List<String> recipients = f.get("recipients").map(this::strings).orElse(List.of());
        Optional<String> passphrase = f.secret("passphrase");
        Optional<java.nio.file.Path> pgpPublicKey = f.string("pgp-public-key").map(java.nio.file.Path::of);
        int kinds = (recipients.isEmpty() ? 0 : 1) + (passphrase.isEmpty() ? 0 : 1) + (pgpPublicKey.isEmpty() ? 0 : 1);
        if (kinds != 1) {
            context.problem(node, (kinds == 0 ? "names no key" : "names more than one kind of key") + "; give one of"
                    + " recipients: [ age1... ], passphrase: ${VAR} or pgp-public-key: FILE, or write encryption: none");
        }
        for (String recipient : recipients) {
            if (!recipient.startsWith("age1")) {
                context.problem(f.get("recipients").orElseThrow(), "'" + recipient + "' is not an age public key"
                        + " (they start with age1); create one with age-keygen");
            }
        }
        pgpPublicKey.filter(path -> !java.nio.file.Files.isReadable(path)).ifPresent(path -> context.problem(
                f.get("pgp-public-key").orElseThrow(), "cannot read " + path + "; export the key with"
                        + " 'gpg --export --armor KEYID > key.asc'"));
        return new EncryptionConfig(recipients, passphrase, pgpPublicKey, f.secret("identity"),
                f.secret("pgp-private-key"), f.secret("pgp-passphrase"));
    }

    Hooks hooks(Node node) {
        String[] keys = Stream.concat(Arrays.stream(HookPoint.values()).map(HookPoint::key),
                Stream.of("timeout", "env")).toArray(String[]::new);
        Fields f = new Fields(context, node, keys);
        Duration timeout = f.duration("timeout").orElse(Hook.DEFAULT_TIMEOUT);
        Map<HookPoint, Hook> hooks = new EnumMap<>(HookPoint.class);
        for (HookPoint point : HookPoint.values()) {
            f.get(point.key()).ifPresent(n -> hook(n, timeout).ifPresent(h -> hooks.put(point, h)));
        }
        List<String> env = f.get("env").map(this::hookEnv).orElse(List.of());
        return new Hooks(hooks, env);
    }

    /** The names of variables hooks also get; whether one holds a secret is checked once the file is read. */
    private List<String> hookEnv(Node node) {
        List<String> names = strings(node);
        for (String name : names) {
            if (!name.matches(ENV_NAME)) {
                context.problem(node, "'" + name + "' is not an environment variable name; list names such as"
                        + " DOCKER_HOST (letters, digits, '_')");
            }
        }
        return names;
    }

    private Optional<Hook> hook(Node node, Duration defaultTimeout) {
        if (node instanceof Node.Scalar) {
            return context.text(node).map(command -> new Hook(command, defaultTimeout));
        }
        Fields f = new Fields(context, node, "command", "timeout");
        return f.required("command", "give the shell command to run").map(command ->
                new Hook(command, f.duration("timeout").orElse(defaultTimeout)));
    }

    NotifySettings notify(Node node, boolean haveSmtp) {
        Fields f = new Fields(context, node, "webhook", "email", "ping", "on-success", "attempts", "backoff");
        List<WebhookTarget> webhooks = new ArrayList<>();
        f.get("webhook").ifPresent(n -> (n instanceof Node.Sequence seq ? seq.items() : List.of(n))
                .forEach(item -> webhook(item).ifPresent(webhooks::add)));
        List<String> emails = f.get("email").map(this::strings).orElse(List.of());
        for (String email : emails) {
            if (!email.matches("[^@\\s]+@[^@\\s]+")) {
                context.problem(f.get("email").orElseThrow(), "'" + email + "' is not an email address");
            }
        }
        if (!emails.isEmpty() && !haveSmtp) {
            context.problem(f.get("email").orElseThrow(), "email needs a mail server; add a top-level 'smtp:'"
                    + " section (host, port, from, username, password)");
        }
        Optional<String> ping = f.get("ping").flatMap(n -> url(n, context.text(n)));
        return new NotifySettings(webhooks, emails, ping, f.bool("on-success", false), f.integer("attempts", 1, 10, 3),
                f.duration("backoff").orElse(Duration.ofSeconds(2)));
    }

    private Optional<WebhookTarget> webhook(Node node) {
        if (node instanceof Node.Scalar) {
            return url(node, context.text(node)).map(u -> new WebhookTarget(u, WebhookTarget.Format.GENERIC, Map.of()));
        }
        Fields f = new Fields(context, node, "url", "format", "headers");
        Optional<String> url = f.get("url").flatMap(n -> url(n, webhookUrl(n)));
        if (f.get("url").isEmpty()) {
            context.problem(node, "'url' is missing");
        }
        WebhookTarget.Format format = f.choice("format", List.of("generic", "slack", "discord"))
                .map(k -> WebhookTarget.Format.valueOf(k.toUpperCase(java.util.Locale.ROOT)))
                .orElse(WebhookTarget.Format.GENERIC);
        Map<String, String> headers = new LinkedHashMap<>();
        f.get("headers").ifPresent(h -> {
            if (h instanceof Node.Mapping m) {
                m.entries().forEach((name, value) -> context.secret(value).ifPresent(v -> headers.put(name, v)));
            } else {
                context.problem(h, "must be a map of header names to ${ENV_VAR} or file: references");
            }
        });
        return url.map(u -> new WebhookTarget(u, format, headers));
    }

    /**
     * A webhook URL may itself be the secret (Slack, Discord): a file: reference or a whole ${VAR} is read
     * like a secret (so that hooks.env cannot pass that variable on).
     */
    private Optional<String> webhookUrl(Node node) {
        return node instanceof Node.Scalar s && s.text() != null && (s.text().startsWith("file:")
                || s.text().trim().matches("\\$\\{" + ENV_NAME + "}")) ? context.secret(node) : context.text(node);
    }

    private Optional<String> url(Node node, Optional<String> value) {
        return value.filter(u -> {
            if (u.matches("https?://[^\\s/]+.*")) {
                return true;
            }
            context.problem(node, "is not an http:// or https:// URL");
            return false;
        });
    }

    GuardsConfig guards(Node node) {
        Fields f = new Fields(context, node, "min-interval", "shrink-threshold", "on-shrink");
        return new GuardsConfig(f.duration("min-interval").orElse(Duration.ZERO),
                f.integer("shrink-threshold", 1, 100, 50),
                !f.choice("on-shrink", List.of("fail", "warn")).orElse("fail").equals("warn"));
    }

    List<PurgeRule> rules(Node node) {
        if (!(node instanceof Node.Sequence seq) || seq.items().isEmpty()) {
            context.problem(node, "must be a list of rules, each with table, column and older-than");
            return List.of();
        }
        List<PurgeRule> rules = new ArrayList<>();
        for (Node item : seq.items()) {
            Fields f = new Fields(context, item, "table", "column", "older-than", "format", "where");
            Optional<String> table = f.required("table", "name the table to purge").filter(t -> identifier(f, "table", t,
                    IDENTIFIER + "(\\." + IDENTIFIER + ")?"));
            Optional<String> column = f.required("column", "name the timestamp column")
                    .filter(c -> identifier(f, "column", c, IDENTIFIER));
            Optional<Duration> olderThan = f.duration("older-than");
            if (f.get("older-than").isEmpty()) {
                context.problem(item, "'older-than' is missing; e.g. older-than: 30d");
            }
            PurgeDialect.TimeFormat format = f.choice("format", List.of("timestamp", "unix-seconds", "unix-millis"))
                    .map(k -> Arrays.stream(PurgeDialect.TimeFormat.values()).filter(t -> t.key().equals(k))
                            .findFirst().orElseThrow()).orElse(PurgeDialect.TimeFormat.NATIVE);
            Optional<String> where = f.string("where");
            where.filter(w -> w.contains(";")).ifPresent(w -> context.problem(f.get("where").orElseThrow(),
                    "must be one SQL condition without ';'"));
            if (table.isPresent() && column.isPresent() && olderThan.isPresent()) {
                rules.add(new PurgeRule(table.get(), column.get(), olderThan.get(), format, where));
            }
        }
        return rules;
    }

    private boolean identifier(Fields f, String key, String value, String pattern) {
        if (value.matches(pattern)) {
            return true;
        }
        context.problem(f.get(key).orElseThrow(), "'" + value + "' is not a plain SQL name (letters, digits, '_'"
                + (key.equals("table") ? ", optionally schema.table" : "") + ")");
        return false;
    }

    SmtpSettings smtp(Node node) {
        Fields f = new Fields(context, node, "host", "port", "username", "password", "from", "starttls", "timeout");
        String host = f.required("host", "name the mail server, e.g. host: smtp.example.org").orElse("localhost");
        String from = f.required("from", "give the sender address, e.g. from: lifeboat@example.org").orElse("lifeboat");
        Optional<String> username = f.string("username");
        Optional<String> password = f.secret("password");
        if (username.isPresent() != f.get("password").isPresent()) {
            context.problem(node, "give both username and password, or neither");
        }
        SmtpSettings.StartTls startTls = f.choice("starttls", List.of("required", "optional", "off"))
                .map(k -> SmtpSettings.StartTls.valueOf(k.toUpperCase(java.util.Locale.ROOT)))
                .orElse(SmtpSettings.StartTls.REQUIRED);
        return new SmtpSettings(host, f.integer("port", 1, 65535, 587), username, password, from, startTls,
                f.duration("timeout").orElse(Duration.ofSeconds(30)));
    }

    Optional<ServerConfig> server(Node node) {
        Fields f = new Fields(context, node, "listen", "expose");
        Optional<Node> listenNode = f.get("listen");
        Optional<String> listen = f.required("listen", "give an address like 127.0.0.1:9810");
        if (listen.isEmpty()) {
            return Optional.empty();
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(\\[[^]]+]|[^:]+):(\\d{1,5})$")
                .matcher(listen.get().trim());
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
            context.problem(listenNode.orElseThrow(), "'" + listen.get() + "' is not HOST:PORT; use e.g. 127.0.0.1:9810");
            return Optional.empty();
        }
        String host = m.group(1).replaceAll("^\\[|]$", "");
        boolean expose = f.bool("expose", false);
        try {
            if (!expose && !InetAddress.getByName(host).isLoopbackAddress()) {
                context.problem(listenNode.orElseThrow(), host + " is not a loopback address; the status server"
                        + " listens on this machine only (127.0.0.1) unless 'expose: true' is set, e.g. in a container");
            }
        } catch (UnknownHostException e) {
            context.problem(listenNode.orElseThrow(), "cannot resolve " + host + "; use 127.0.0.1");
        }
        return Optional.of(new ServerConfig(host, Integer.parseInt(m.group(2))));
    }

    /** A value or a list of values. */
    private List<String> strings(Node node) {
        List<Node> items = node instanceof Node.Sequence seq ? seq.items() : List.of(node);
        List<String> values = new ArrayList<>();
        for (Node item : items) {
            context.text(item).ifPresent(values::add);
        }
        return values;
    }
}
