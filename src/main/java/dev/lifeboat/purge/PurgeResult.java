package dev.lifeboat.purge;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What a purge did (or, dry, would do): per rule the cutoff, the rows, or the error. */
public record PurgeResult(boolean dryRun, List<RuleOutcome> rules) {
    public PurgeResult {
        rules = List.copyOf(rules);
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
}
