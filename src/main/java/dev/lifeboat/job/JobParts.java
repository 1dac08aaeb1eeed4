package dev.lifeboat.job;

import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.catalog.JobRecords;
import dev.lifeboat.catalog.RunTracker;
import dev.lifeboat.hooks.HookRunner;
import dev.lifeboat.log.Log;
import dev.lifeboat.notify.Deliveries;
import dev.lifeboat.purge.PurgeService;
import dev.lifeboat.source.Engines;
import dev.lifeboat.verify.Verifier;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Optional;

/** The orchestration objects a job run uses; one set serves every job of a process. */
public record JobParts(Clock clock, Engines engines, BackupRunner backups, Verifier verifier,
                       PurgeService purges, HookRunner hooks, RunTracker tracker,
                       Optional<JobRecords> records, Deliveries deliveries, HttpClient http, Log log, String host,
                       java.util.function.Function<String, dev.lifeboat.repository.Repository> repositories) {

    /** Opens a repository spec with the process's environment (stores' credentials and keys). */
    public dev.lifeboat.repository.Repository repository(String spec) {
        return repositories.apply(spec);
    }
}
