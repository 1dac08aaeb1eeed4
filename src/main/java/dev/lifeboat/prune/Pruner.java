package dev.lifeboat.prune;

import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.LockWait;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryLock;
import dev.lifeboat.retention.Retention;
import dev.lifeboat.retention.RetentionPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Applies retention to one repository: regular backups by the given policy and pre-restore
 * safety backups by their own, per database name, ordered by each manifest's own start time.
 */
public final class Pruner {
    private final Clock clock;
    private final ZoneId zone;
    private final LockWait lockWait;

    public Pruner(Clock clock, ZoneId zone) {
        this(clock, zone, LockWait.NONE);
    }

    /** @param lockWait how long to wait for another prune of the same repository */
    public Pruner(Clock clock, ZoneId zone, LockWait lockWait) {
        this.clock = clock;
        this.zone = zone;
        this.lockWait = lockWait;
    }

    /** One line of the plan: the backup, whether it stays, and why. */
    public record Verdict(Manifest backup, boolean keep, List<String> reasons) {
    }

    /** The plan and, after {@link #prune}, what was removed. */
    public record Result(List<Verdict> verdicts, List<String> removed, List<String> skippedInUse) {
    }

    public Result plan(Repository repository, RetentionPolicy policy, RetentionPolicy safetyPolicy,
                       Optional<String> name) throws IOException {
        return new Result(decide(repository, policy, safetyPolicy, name), List.of(), List.of());
    }

    /** Decides and deletes, holding the repository's prune lock; backups in use are never removed. */
    public Result prune(Repository repository, RetentionPolicy policy, RetentionPolicy safetyPolicy,
                        Optional<String> name) throws IOException {
        return prune(repository, policy, safetyPolicy, name, waiting -> { });
    }

    /** As above; {@code waiting} hears when another prune holds the lock and this one waits for it. */
    public Result prune(Repository repository, RetentionPolicy policy, RetentionPolicy safetyPolicy,
                        Optional<String> name, java.util.function.Consumer<String> waiting) throws IOException {
        try (RepositoryLock lock = lockWait.take(() -> repository.lock("prune", "prune"), waiting)) {
            repository.removeLeftovers();
            List<Verdict> verdicts = decide(repository, policy, safetyPolicy, name);
            List<String> removed = new ArrayList<>();
            List<String> inUse = new ArrayList<>();
            for (Verdict verdict : verdicts) {
                if (verdict.keep()) {
                    continue;
                }
                if (repository.backupsInUse().contains(verdict.backup().id())) {
                    inUse.add(verdict.backup().id());
                    continue;
                }
                repository.delete(verdict.backup());
                removed.add(verdict.backup().id());
            }
            if (!removed.isEmpty()) {
                dev.lifeboat.wal.WalRetention.prune(repository);
            }
            return new Result(verdicts, removed, inUse);
        }
    }

    private List<Verdict> decide(Repository repository, RetentionPolicy policy, RetentionPolicy safetyPolicy,
                                 Optional<String> name) throws IOException {
        Set<String> inUse = repository.backupsInUse();
        List<Manifest> manifests = repository.manifests().stream()
                .filter(m -> name.isEmpty() || name.get().equals(m.name())).toList();
        Map<String, List<Manifest>> groups = new TreeMap<>();
        for (Manifest m : manifests) {
            groups.computeIfAbsent(group(m, manifests), k -> new ArrayList<>()).add(m);
        }
        List<Verdict> verdicts = new ArrayList<>();
        for (List<Manifest> group : groups.values()) {
            Map<String, Manifest> byId = new TreeMap<>();
            List<Retention.Candidate> candidates = new ArrayList<>();
            for (Manifest m : group) {
                byId.put(m.id(), m);
                candidates.add(new Retention.Candidate(m.id(), m.startedAt(), passedVerification(repository, m),
                        inUse.contains(m.id())));
            }
            RetentionPolicy rules = group.get(0).isPreRestore() ? safetyPolicy : policy;
            for (Retention.Decision d : Retention.decide(candidates, rules, clock.instant(), zone)) {
                verdicts.add(new Verdict(byId.get(d.backup().id()), d.keep(), d.reasons()));
            }
        }
        return verdicts;
    }

    /**
     * Retention's group of a backup: its name (a name belongs to one source), and its source's
     * identity where backups written before names were claimed gave one name to several databases,
     * so one database's backups never count against another's.
     */
    private static String group(Manifest backup, List<Manifest> all) {
        String group = backup.name() + (backup.isPreRestore() ? " pre-restore" : "");
        long identities = all.stream().filter(m -> m.name().equals(backup.name()) && !m.isPreRestore()
                && m.source().identity() != null).map(m -> m.source().identity()).distinct().count();
        return identities > 1 && !backup.isPreRestore() ? group + " of " + backup.source().identity() : group;
    }

    /** Whether some verification record of the backup says it passed; retention's newest-verified rail counts it. */
    public static boolean passedVerification(Repository repository, Manifest manifest) throws IOException {
        for (byte[] record : repository.records(manifest.id(), "verify-")) {
            if (VerificationRecord.read(record, manifest.id()).map(VerificationRecord::passed).orElse(false)) {
                return true;
            }
        }
        return false;
    }
}
