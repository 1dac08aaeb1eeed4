package dev.lifeboat.backup;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import java.util.List;
import java.util.Optional;

/** What a backup request did, one item per source, for a front end to render. */
public record BackupReport(List<Item> items) {
    public BackupReport {
        items = List.copyOf(items);
    }

    public enum Status { STORED, SUSPICIOUS, SKIPPED, FAILED }

    /**
     * The backup of one source.
     *
     * @param result the per-repository outcome, empty when the backup failed before storing or was skipped
     * @param skipped why the backup was skipped (min-interval), if it was
     * @param warnings lines to show as warnings (a lock taken over, an optional repository that missed it)
     * @param notes lines to show as notes (a repository newly pinned)
     * @param failure the failure of this item, with its exit code; empty when it succeeded
     */
    public record Item(String source, String name, Status status, Optional<BackupResult> result,
                       Optional<String> skipped, List<String> warnings, List<String> notes,
                       Optional<LifeboatException> failure) {
        public Item {
            warnings = List.copyOf(warnings);
            notes = List.copyOf(notes);
        }

        public Optional<Manifest> manifest() {
            return result.map(BackupResult::manifest);
        }
    }

    /** The first failure, in source order. */
    public Optional<LifeboatException> firstFailure() {
        return items.stream().flatMap(i -> i.failure().stream()).findFirst();
    }
}
