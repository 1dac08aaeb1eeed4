package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.prune.PruneService;
import dev.lifeboat.prune.Pruner;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.retention.RetentionPolicy;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "prune", description = "Forget backups by a retention policy (restic-style GFS). The newest"
        + " verified backup and backups being restored or verified are always kept.")
final class PruneCommand implements Callable<Integer> {
    private final Services services;

    @Spec
    CommandSpec spec;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = RepositoryArgs.HELP)
    String repo;

    @Option(names = "--name", paramLabel = "NAME", description = "Only backups with this name.")
    String name;

    @Option(names = "--keep-last", paramLabel = "N", description = "Keep the newest N.")
    int last;

    @Option(names = "--keep-hourly", paramLabel = "N", description = "Keep the newest of each of the last N hours.")
    int hourly;

    @Option(names = "--keep-daily", paramLabel = "N", description = "Keep the newest of each of the last N days.")
    int daily;

    @Option(names = "--keep-weekly", paramLabel = "N", description = "Keep the newest of each of the last N ISO weeks.")
    int weekly;

    @Option(names = "--keep-monthly", paramLabel = "N", description = "Keep the newest of each of the last N months.")
    int monthly;

    @Option(names = "--keep-yearly", paramLabel = "N", description = "Keep the newest of each of the last N years.")
    int yearly;

    @Option(names = "--keep-within", paramLabel = "DURATION", description = "Keep all newer than this (e.g. 30d).")
    String within;

    @Option(names = "--max-count", paramLabel = "N", description = "After the keep rules: keep at most N (the newest"
            + " verified backup still stays).")
    int maxCount;

    @Option(names = "--max-age", paramLabel = "DURATION", description = "After the keep rules: forget all older than"
            + " this (e.g. 7d; the newest verified backup still stays).")
    String maxAge;

    @Option(names = "--keep-safety-within", paramLabel = "DURATION", defaultValue = "7d",
            description = "Keep pre-restore safety backups this long (default: ${DEFAULT-VALUE}).")
    String safetyWithin;

    @Option(names = "--time-zone", paramLabel = "ZONE", description = "Zone of the hours, days, weeks (default: this machine's).")
    String timeZone;

    @Option(names = "--dry-run", description = "Print every decision and delete nothing.")
    boolean dryRun;

    PruneCommand(Services services) {
        this.services = services;
    }

    @Override
    public Integer call() throws Exception {
        RetentionPolicy policy = new RetentionPolicy(last, hourly, daily, weekly, monthly, yearly,
                within == null ? Duration.ZERO : RetentionPolicy.parseDuration(within))
                .capped(maxCount, maxAge == null ? Duration.ZERO : RetentionPolicy.parseDuration(maxAge))
                .requireKeepsSomething();
        RetentionPolicy safety = new RetentionPolicy(0, 0, 0, 0, 0, 0, RetentionPolicy.parseDuration(safetyWithin));
        try (Repository repository = services.repository(repo)) {
            return prune(repository, policy, safety);
        }
    }

    private int prune(Repository repository, RetentionPolicy policy, RetentionPolicy safety) throws Exception {
        Pruner pruner = new Pruner(services.clock, timeZone == null ? ZoneId.systemDefault() : ZoneId.of(timeZone));
        Optional<String> only = Optional.ofNullable(name);
        Pruner.Result result = new PruneService(services.tracker(spec.commandLine().getErr())).prune(pruner,
                repository, policy, safety, only, "manual", dryRun, waiting -> { });
        PrintWriter out = spec.commandLine().getOut();
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("prune", result).setAll(dev.lifeboat.manifest.Json.tree(java.util.Map.of("dry_run", dryRun,
                    "policy", policy.describe(), "safety_policy", safety.describe())));
            return ExitCode.OK.code();
        }
        out.println((dryRun ? "dry run, nothing deleted; " : "") + "policy: " + policy.describe()
                + "; pre-restore backups: " + safety.describe());
        for (Pruner.Verdict v : result.verdicts()) {
            out.printf(Locale.ROOT, "%-7s %-23s %-16s %-11s %s  %s%n", v.keep() ? "keep" : "forget", v.backup().id(),
                    v.backup().name(), v.backup().purpose(), Output.TIME.format(v.backup().startedAt()),
                    String.join(", ", v.reasons()));
        }
        long forget = result.verdicts().stream().filter(v -> !v.keep()).count();
        if (dryRun) {
            out.println(forget + " of " + result.verdicts().size() + " backups would be forgotten");
        } else {
            out.println("forgot " + result.removed().size() + " of " + result.verdicts().size() + " backups"
                    + (result.skippedInUse().isEmpty() ? "" : "; kept " + result.skippedInUse()
                    + " because a restore or verify is reading them"));
        }
        return ExitCode.OK.code();
    }
}
