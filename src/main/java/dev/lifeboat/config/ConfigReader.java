package dev.lifeboat.config;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.notify.NotifySettings;
import dev.lifeboat.notify.SmtpSettings;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.repository.Repositories;
import dev.lifeboat.purge.PurgeRule;
import dev.lifeboat.purge.PurgeService;
import dev.lifeboat.retention.RetentionPolicy;
import dev.lifeboat.schedule.CronSchedule;
import dev.lifeboat.source.EngineSettings;
import dev.lifeboat.source.Engines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Reads and validates {@code lifeboat.yaml}; every problem in the file is reported at once, with its line. */
public final class ConfigReader {
    private static final String[] JOB_KEYS = {"kind", "source", "repositories", "encryption", "compression", "level",
        "schedule", "timezone", "verify", "jitter", "catch-up", "max-age", "retention", "hooks", "notify", "guards",
        "rules", "backup-first", "source-options", "wal-max-age"};
    private final ConfigContext context;
    private final Sections sections;
    private final SourceOptions sourceOptions;
    private final Engines engines;

    private ConfigReader(ConfigContext context, Engines engines) {
        this.context = context;
        this.engines = engines;
        this.sections = new Sections(context);
        this.sourceOptions = new SourceOptions(context, engines);
    }

    /**
     * Reads the file; throws {@link ConfigException} listing every problem.
     *
     * @param engines whose declarations say which source-options each job's engine takes
     */
    public static LifeboatConfig read(Path file, Map<String, String> env, Engines engines) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new Problem(file.toString(), null, "", "does not exist; create it"
                    + " (the README has an example) or pass --config FILE")));
        } catch (IOException e) {
            throw new ConfigException(List.of(new Problem(file.toString(), null, "", "cannot be read ("
                    + e.getClass().getSimpleName() + "); check its permissions")));
        }
        return parse(text, file.toString(), env, engines);
    }

    public static LifeboatConfig parse(String text, String file, Map<String, String> env, Engines engines) {
        ConfigContext context = new ConfigContext(file, env);
        LifeboatConfig config = new ConfigReader(context, engines).root(YamlTree.parse(text, file));
        if (!context.problems().isEmpty()) {
            throw new ConfigException(context.problems());
        }
        return config;
    }

    private LifeboatConfig root(Node root) {
        Fields top = new Fields(context, root, "jobs", "timezone", "server", "smtp", "daemon");
        ZoneId zone = top.get("timezone").flatMap(this::zone).orElse(ZoneId.systemDefault());
        Optional<SmtpSettings> smtp = top.get("smtp").map(sections::smtp);
        Duration shutdownTimeout = top.get("daemon").map(n -> new Fields(context, n, "shutdown-timeout"))
                .flatMap(f -> f.duration("shutdown-timeout")).orElse(Duration.ofSeconds(60));
        Map<String, JobConfig> jobs = new LinkedHashMap<>();
        Optional<Node> jobsNode = top.get("jobs");
        if (jobsNode.isEmpty()) {
            context.problem(root, "'jobs' is missing; add at least one job (see the README's configuration section)");
        } else if (jobsNode.get() instanceof Node.Mapping mapping) {
            mapping.entries().forEach((name, node) -> job(name, node, zone, smtp.isPresent())
                    .ifPresent(job -> jobs.put(name, job)));
            checkBackupFirst(mapping, jobs);
            checkHookEnv(mapping, jobs);
        } else {
            context.problem(jobsNode.get(), "must be a map of job names to jobs, not " + jobsNode.get().describe());
        }
        Optional<ServerConfig> server = top.get("server").flatMap(sections::server);
        return new LifeboatConfig(context.file(), jobs, zone, server, smtp, shutdownTimeout, context.secrets());
    }

    private Optional<JobConfig> job(String name, Node node, ZoneId defaultZone, boolean haveSmtp) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            context.problem(node, "job name '" + name + "' is not valid; use letters, digits, '.', '_' and '-'");
        }
        Fields f = new Fields(context, node, JOB_KEYS);
        JobConfig.Kind kind = f.choice("kind", List.of("backup", "purge"))
                .map(k -> k.equals("purge") ? JobConfig.Kind.PURGE : JobConfig.Kind.BACKUP).orElse(JobConfig.Kind.BACKUP);
        String source = f.required("source", "say which database, e.g. source: /srv/app/app.db").orElse("");
        boolean sourceOk = checkSource(f, source);
        ZoneId zone = f.get("timezone").flatMap(this::zone).orElse(defaultZone);
        Optional<CronSchedule> schedule = f.get("schedule").flatMap(n -> cron(n, zone));
        Optional<RetentionPolicy> retention = f.get("retention").flatMap(sections::retention);
        List<RepositoryConfig> repositories = new ArrayList<>();
        EncryptionConfig encryption = EncryptionConfig.NONE;
        Optional<CronSchedule> verify = Optional.empty();
        List<PurgeRule> rules = List.of();
        EngineSettings options = EngineSettings.NONE;
        if (kind == JobConfig.Kind.BACKUP) {
            if (sourceOk && f.get("source").isPresent()) {
                options = sourceOptions.read(f.get("source-options"), f.get("source").get(), source);
            }
            repositories = f.get("repositories").map(n -> repositories(n, retention)).orElseGet(() -> {
                context.problem(node, "'repositories' is missing; list where backups go, e.g. repositories:"
                        + " [ /var/backups/" + name + " ]");
                return List.of();
            });
            encryption = f.get("encryption").map(sections::encryption).orElseGet(() -> {
                context.problem(node, "'encryption' is missing; give encryption: { recipients: [ \"age1...\" ] },"
                        + " or encryption: none to store backups unencrypted");
                return EncryptionConfig.NONE;
            });
            verify = f.get("verify").flatMap(n -> cron(n, zone));
            refuse(f, "rules", "only purge jobs have rules; add 'kind: purge' or move the rules to a purge job");
            refuse(f, "backup-first", "only purge jobs take a backup first");
        } else {
            if (sourceOk) {
                f.get("source").ifPresent(n -> checkPurgeable(n, source));
            }
            rules = f.get("rules").map(sections::rules).orElseGet(() -> {
                context.problem(node, "'rules' is missing; a purge job needs at least one rule"
                        + " (table, column, older-than)");
                return List.of();
            });
            refuse(f, "source-options", "a purge job deletes rows with SQL and takes no engine options; they belong to"
                    + " its backup job");
            for (String key : List.of("repositories", "encryption", "verify", "retention", "guards", "compression",
                    "level")) {
                refuse(f, key, "a purge job stores no backups; set 'backup-first: JOB' to back up through a backup job");
            }
        }
        Compression compression = f.choice("compression", List.of("zstd", "gzip", "none")).map(Compression::parse)
                .orElse(Compression.ZSTD);
        int level = f.get("level").isPresent() ? f.integer("level", 1, 19, compression.defaultLevel())
                : compression.defaultLevel();
        if (f.get("level").isPresent()) {
            try {
                compression.checkedLevel(level);
            } catch (RuntimeException e) {
                context.problem(f.get("level").get(), "level " + level + " is out of range for " + compression.label());
            }
        }
        NotifySettings notify = f.get("notify").map(n -> sections.notify(n, haveSmtp)).orElse(NotifySettings.NONE);
        GuardsConfig guards = f.get("guards").map(sections::guards).orElse(GuardsConfig.DEFAULT);
        return Optional.of(new JobConfig(name, kind, source, options, repositories, encryption, compression, level,
                schedule,
                verify, f.duration("jitter").orElse(Duration.ZERO), f.bool("catch-up", true), f.duration("max-age"),
                f.get("hooks").map(sections::hooks).orElse(dev.lifeboat.hooks.Hooks.NONE), notify, guards, rules,
                f.string("backup-first"), zone, f.duration("wal-max-age")));
    }

    /**
     * Hooks never get a variable Lifeboat reads a secret from: every {@code ${VAR}} of a secret field
     * in the file, and those the engines and stores of every job's source and repositories declare
     * (PGPASSWORD, password-env, key-env, S3's keys, an SFTP key's passphrase). Every job's, since one
     * process runs them all with one environment.
     */
    private void checkHookEnv(Node.Mapping jobsNode, Map<String, JobConfig> jobs) {
        Set<String> secret = new HashSet<>(context.secretReferences());
        for (JobConfig job : jobs.values()) {
            secret.addAll(engines.secretVariables(job.source()));
            job.repositories().forEach(r -> secret.addAll(Repositories.secretVariables(r.spec())));
        }
        for (JobConfig job : jobs.values()) {
            job.hooks().env().stream().filter(secret::contains).forEach(name -> context.problem(
                    hookEnvNode(jobsNode.entries().get(job.name())), name + " holds a secret Lifeboat reads, and"
                            + " hooks never get those; give the hook its own variable (or a file it reads) instead"));
        }
    }

    private static Node hookEnvNode(Node job) {
        Node hooks = job instanceof Node.Mapping m ? m.entries().getOrDefault("hooks", job) : job;
        return hooks instanceof Node.Mapping m ? m.entries().getOrDefault("env", hooks) : hooks;
    }

    private void refuse(Fields f, String key, String why) {
        f.get(key).ifPresent(n -> context.problem(n, "not allowed here: " + why));
    }

    /** False when the source holds a password, which is reported once here rather than again by its engine. */
    private boolean checkSource(Fields f, String source) {
        if (source.matches("(?i)postgres(ql)?://[^/@]*:[^/@]*@.*")) {
            context.problem(f.get("source").orElseThrow(), "holds a password; remove it from the URL and set"
                    + " PGPASSWORD, or add ?password-env=VAR naming an environment variable");
            return false;
        }
        return true;
    }

    /** The purge job's database as its engine offers it, parsed exactly as a run parses it, without connecting. */
    private void checkPurgeable(Node node, String source) {
        try {
            PurgeService.purgeable(engines, source);
        } catch (LifeboatException e) {
            context.problem(node, e.getMessage());
        }
    }

    private void checkBackupFirst(Node.Mapping jobsNode, Map<String, JobConfig> jobs) {
        for (JobConfig job : jobs.values()) {
            job.backupFirst().ifPresent(other -> {
                JobConfig target = jobs.get(other);
                if (target == null || target.kind() != JobConfig.Kind.BACKUP) {
                    context.problem(jobsNode.entries().get(job.name()), "backup-first: '" + other
                            + "' is not a backup job in this file; name one of: " + jobs.values().stream()
                            .filter(j -> j.kind() == JobConfig.Kind.BACKUP).map(JobConfig::name).toList());
                }
            });
        }
    }

    private List<RepositoryConfig> repositories(Node node, Optional<RetentionPolicy> jobRetention) {
        List<Node> items = node instanceof Node.Sequence seq ? seq.items() : List.of(node);
        List<RepositoryConfig> result = new ArrayList<>();
        if (items.isEmpty()) {
            context.problem(node, "is empty; list at least one repository");
        }
        for (Node item : items) {
            if (item instanceof Node.Scalar) {
                context.text(item).ifPresent(spec -> result.add(new RepositoryConfig(spec, false, jobRetention)));
                continue;
            }
            Fields f = new Fields(context, item, "path", "url", "optional", "retention");
            Optional<String> spec = f.string("path").or(() -> f.string("url"));
            if (f.get("path").isPresent() == f.get("url").isPresent()) {
                context.problem(item, "give exactly one of 'path' (a folder) or 'url'"
                        + " (" + Repositories.URL_FORMS + ")");
            }
            Optional<RetentionPolicy> retention = f.get("retention").flatMap(sections::retention).or(() -> jobRetention);
            spec.ifPresent(s -> result.add(new RepositoryConfig(s, f.bool("optional", false), retention)));
        }
        if (!result.isEmpty() && result.stream().allMatch(RepositoryConfig::optional)) {
            context.problem(node, "every repository is optional, so a backup could be stored nowhere; make one"
                    + " required");
        }
        return result;
    }

    private Optional<CronSchedule> cron(Node node, ZoneId zone) {
        return context.text(node).flatMap(text -> {
            try {
                return Optional.of(CronSchedule.parse(text, zone));
            } catch (IllegalArgumentException e) {
                context.problem(node, e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<ZoneId> zone(Node node) {
        return context.text(node).flatMap(text -> {
            try {
                return Optional.of(ZoneId.of(text.trim()));
            } catch (DateTimeException e) {
                context.problem(node, "'" + text + "' is not a time zone; use a region like Europe/Berlin or UTC");
                return Optional.empty();
            }
        });
    }
}
