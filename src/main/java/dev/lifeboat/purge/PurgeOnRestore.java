package dev.lifeboat.purge;

import java.util.List;

/**
 * What a restore asks of purge jobs: the jobs that may purge the database being restored (the
 * restore applies the rules of those whose source is its target to the staged copy before it is
 * installed), or that the user opted out with {@code --no-purge}.
 */
public record PurgeOnRestore(List<Job> jobs, boolean optedOut) {
    public static final PurgeOnRestore NONE = new PurgeOnRestore(List.of(), false);

    public PurgeOnRestore {
        jobs = List.copyOf(jobs);
    }

    /** A purge job: its name, its database as a SOURCE argument, and its rules. */
    public record Job(String name, String source, List<PurgeRule> rules) {
        public Job {
            rules = List.copyOf(rules);
        }
    }
}
