package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.WalArchive;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * WAL is kept exactly as long as a kept base backup needs it: once base backups are pruned,
 * every archived file of a cluster before the start of its oldest remaining base backup goes
 * (on any timeline; history files, a few bytes each, stay). A cluster without any base backup
 * keeps all its WAL, since its first base backup may still be on its way.
 */
public final class WalRetention {
    private WalRetention() {
    }

    /** Removes WAL no kept base backup needs; returns how many files went. */
    public static int prune(Repository repository) throws IOException {
        WalArchive archive = repository.wal();
        List<Manifest> bases = repository.manifests().stream()
                .filter(m -> PointInTimeRestore.KIND.equals(m.source().kind())).toList();
        int removed = 0;
        for (String systemId : archive.systems()) {
            Optional<String> oldestStart = bases.stream()
                    .filter(m -> systemId.equals(m.facts().properties().get("system_identifier")))
                    .map(m -> m.facts().properties().get("start_wal")).filter(s -> s != null && WalNames.isSegment(s))
                    .map(s -> s.substring(8)).min(String::compareTo);
            if (oldestStart.isEmpty()) {
                continue;
            }
            for (String name : archive.names(systemId)) {
                if (!WalNames.isHistory(name) && name.substring(8, 24).compareTo(oldestStart.get()) < 0) {
                    Optional<WalArchive.Entry> entry = archive.entry(systemId, name);
                    if (entry.isPresent()) {
                        archive.delete(entry.get());
                        removed++;
                    }
                }
            }
        }
        return removed;
    }
}
