package dev.lifeboat.verify;

import dev.lifeboat.ExitCode;
import dev.lifeboat.catalog.RunStatus;
import java.util.List;

/**
 * A job's verification, decided once for every front end: the newest backup of its name in each
 * of its repositories. A required repository's failure fails the run with the exit code of the
 * first one; an optional repository's is a warning; a repository with no backup of the name yet
 * (or no repository yet) has nothing to verify, and when none has anything the run is SKIPPED.
 *
 * @param verified the ids of the backups that passed
 * @param nothingYet the repositories with nothing to verify yet
 * @param failures one line per required repository whose verification failed
 * @param warnings one line per optional repository whose verification failed
 * @param exit the exit code the run ends with
 */
public record NewestEverywhere(String name, List<String> verified, List<String> nothingYet, List<String> failures,
                               List<String> warnings, ExitCode exit) {
    public NewestEverywhere {
        verified = List.copyOf(verified);
        nothingYet = List.copyOf(nothingYet);
        failures = List.copyOf(failures);
        warnings = List.copyOf(warnings);
    }

    /** A repository to verify in, as a job lists it. */
    public record Place(String spec, boolean optional) {
    }

    public RunStatus status() {
        if (!failures.isEmpty()) {
            return RunStatus.FAILED;
        }
        return verified.isEmpty() && !nothingYet.isEmpty() ? RunStatus.SKIPPED : RunStatus.COMPLETED;
    }

    /** The run's one line. */
    public String message() {
        if (!failures.isEmpty()) {
            return String.join("; ", failures);
        }
        return status() == RunStatus.SKIPPED ? nothingYetLine() : "verified " + String.join(", ", verified);
    }

    /** Warnings to show: failing optional repositories, and those with nothing yet beside verified ones. */
    public List<String> allWarnings() {
        if (status() == RunStatus.COMPLETED && !nothingYet.isEmpty()) {
            return java.util.stream.Stream.concat(warnings.stream(), java.util.stream.Stream.of(nothingYetLine()))
                    .toList();
        }
        return warnings;
    }

    private String nothingYetLine() {
        return "nothing to verify yet: no backup of " + name + " in " + String.join(", ", nothingYet)
                + " (the job's first backup makes one)";
    }
}
