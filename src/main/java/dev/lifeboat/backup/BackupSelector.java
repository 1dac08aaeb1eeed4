package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/** Resolves what the user typed (an id, or {@code latest} per name) to one backup. */
public final class BackupSelector {
    public static final String LATEST = "latest";

    private BackupSelector() {
    }

    /**
     * What {@code latest} found: the newest backup of the chosen name, or none yet (a value, not a
     * failure: a scheduled verification before the first backup has simply nothing to do).
     *
     * @param name the name looked for; empty when the repository holds no backups and none was given
     * @param names the names the repository holds backups of
     */
    public record Newest(Optional<Manifest> backup, String repository, Optional<String> name,
                         SortedSet<String> names) {
        public Newest {
            names = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(names));
        }

        /** The failure a command ends with when there is none: exit 5, saying what there is. */
        public LifeboatException notFound() {
            if (name.isEmpty()) {
                return new LifeboatException(ExitCode.NOT_FOUND, "the repository " + repository
                        + " holds no backups yet; run 'lifeboat backup' first");
            }
            return new LifeboatException(ExitCode.NOT_FOUND, "no backup named '" + name.get() + "' in " + repository
                    + "; names there: " + (names.isEmpty() ? "(none)" : String.join(", ", names)));
        }
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
        Newest newest = newest(repository, name, fallbackName);
        return newest.backup().orElseThrow(newest::notFound);
    }

    /**
     * The newest backup (pre-restore safety backups aside) of {@code name}, else of
     * {@code fallbackName} if the repository has it, else of the only name there is; a repository
     * holding several names and none chosen is a usage error.
     */
    public static Newest newest(Repository repository, String name, String fallbackName) throws IOException {
        List<Manifest> backups = repository.manifests().stream().filter(m -> !m.isPreRestore()).toList();
        TreeSet<String> names = new TreeSet<>(backups.stream().map(Manifest::name).toList());
        Optional<String> chosen = Optional.ofNullable(name).or(() -> chooseName(names, fallbackName));
        Optional<Manifest> found = chosen.flatMap(c -> backups.stream().filter(m -> m.name().equals(c))
                .reduce((a, b) -> b));
        return new Newest(found, repository.location(), chosen, names);
    }

    private static Optional<String> chooseName(SortedSet<String> names, String fallbackName) {
        if (fallbackName != null && names.contains(fallbackName)) {
            return Optional.of(fallbackName);
        }
        if (names.size() <= 1) {
            return names.isEmpty() ? Optional.empty() : Optional.of(names.first());
        }
        throw new LifeboatException(ExitCode.USAGE, "the repository holds backups of several databases ("
                + String.join(", ", names) + "); say which with --name");
    }
}
