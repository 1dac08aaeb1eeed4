package dev.lifeboat.repository;

import dev.lifeboat.manifest.Manifest;
import java.util.List;

/** What a repository holds: the complete backups, oldest first, and the damaged ones by id. */
public record RepositoryContents(List<Manifest> backups, List<DamagedBackup> damaged) {
    public RepositoryContents {
        backups = List.copyOf(backups);
        damaged = List.copyOf(damaged);
    }
}
