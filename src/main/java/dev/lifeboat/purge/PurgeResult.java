package dev.lifeboat.purge;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a purge did (or, dry, would do): per rule the cutoff, the rows, or the error; then what
 * was done so the deleted rows cannot be read back from the database's files ({@code erasure}),
 * and what could not be done ({@code erasureMissed}).
 */
public record PurgeResult(boolean dryRun, List<RuleOutcome> rules, List<String> erasure, List<String> erasureMissed) {
    public PurgeResult {
        rules = List.copyOf(rules);
        erasure = List.copyOf(erasure);
        erasureMissed = List.copyOf(erasureMissed);
    }

    public record RuleOutcome(PurgeRule rule, Instant cutoff, long rows, Optional<String> error) {
        public boolean failed() {
            return error.isPresent();
        }
    }

    public boolean failed() {
        return rules.stream().anyMatch(RuleOutcome::failed);
    }

    public long totalRows() {
        return rules.stream().mapToLong(RuleOutcome::rows).sum();
    }

    /** {@code 2 row(s) from addresses, 1 row(s) from events}, for the rules that ran. */
    public String describeRows() {
        return rules.stream().filter(r -> !r.failed()).map(r -> r.rows() + " row(s) from " + r.rule().table())
                .collect(java.util.stream.Collectors.joining(", "));
    }
}
