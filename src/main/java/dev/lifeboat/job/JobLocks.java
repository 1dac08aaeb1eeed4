package dev.lifeboat.job;

import java.util.function.Supplier;

/**
 * Keeps two runs of one job from overlapping inside one process (the repository locks keep
 * processes apart). The daemon holds a job's lock while the job runs; a purge that backs up
 * another job first takes that job's lock too.
 */
public interface JobLocks {
    <T> T exclusive(String job, Supplier<T> work);

    JobLocks NONE = new JobLocks() {
        @Override
        public <T> T exclusive(String job, Supplier<T> work) {
            return work.get();
        }
    };
}
