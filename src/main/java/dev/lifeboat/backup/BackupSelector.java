package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/** Resolves what the user typed (an id, or {@code latest} per name) to one backup. */
public final class BackupSelector {
    public static final String LATEST = "latest";

    private BackupSelector() {
    }

    /**
     * @param name the --name given, or null
     * @param fallbackName a name to try when none was given (e.g. the target's base name), or null
     */
    public static Manifest select(Repository repository, String idOrLatest, String name, String fallbackName)
            throws IOException {
        if (!LATEST.equals(idOrLatest)) {
            Optional<Manifest> found = repository.manifest(idOrLatest);
            if (found.isEmpty()) {
                throw new LifeboatException(ExitCode.NOT_FOUND, "no backup " + idOrLatest + " in "
                        + repository.location() + "; run 'lifeboat list --repo " + repository.location()
                        + "' to see the backups");
            }
            return found.get();
        }
        List<Manifest> backups = repository.manifests().stream().filter(m -> !m.isPreRestore()).toList();
        String chosen = name != null ? name : chooseName(backups, fallbackName, repository);
        return backups.stream().filter(m -> m.name().equals(chosen)).reduce((a, b) -> b).orElseThrow(() ->
                new LifeboatException(ExitCode.NOT_FOUND, "no backup named '" + chosen + "' in "
                        + repository.location() + "; names there: " + names(backups)));
    }

    private static String chooseName(List<Manifest> backups, String fallbackName, Repository repository) {
        TreeSet<String> names = new TreeSet<>(backups.stream().map(Manifest::name).toList());
        if (fallbackName != null && names.contains(fallbackName)) {
            return fallbackName;
        }
        if (names.size() == 1) {
            return names.first();
        }
        if (names.isEmpty()) {
            throw new LifeboatException(ExitCode.NOT_FOUND, "the repository " + repository.location()
                    + " holds no backups yet; run 'lifeboat backup' first");
        }
        throw new LifeboatException(ExitCode.USAGE, "the repository holds backups of several databases ("
                + String.join(", ", names) + "); say which with --name");
    }

    private static String names(List<Manifest> backups) {
        TreeSet<String> names = new TreeSet<>(backups.stream().map(Manifest::name).toList());
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }
}
