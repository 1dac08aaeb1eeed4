package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.DamagedBackup;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.repository.RepositoryContents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Resolves what the user typed (an id, or {@code latest} per name) to one backup. {@code latest}
 * is the newest backup that can be vouched for: SUSPICIOUS backups, those whose last verification
 * failed and DAMAGED ones newer than the choice are passed by, and named.
 */
public final class BackupSelector {
    public static final String LATEST = "latest";

    private BackupSelector() {
    }

    /** A newer backup {@code latest} passed by, and why (SUSPICIOUS, verification failed, DAMAGED). */
    public record Skipped(String id, String reason) {
        @Override
        public String toString() {
            return id + ": " + reason;
        }
    }

    /** The backup chosen, where it stands, and each newer backup {@code latest} passed by (newest first). */
    public record Selection(BackupStanding standing, List<Skipped> passedBy) {
        public Selection {
            passedBy = List.copyOf(passedBy);
        }

        public Manifest manifest() {
            return standing.backup();
        }

        /** For the user: which backups {@code latest} passed by and which it chose; empty when none was passed. */
        public Optional<String> note() {
            return passedBy.isEmpty() ? Optional.empty() : Optional.of("latest: passed by " + joined(passedBy)
                    + "; chose " + manifest().id() + ", the newest trustworthy backup");
        }
    }

    private static String joined(List<Skipped> skipped) {
        return String.join("; ", skipped.stream().map(Skipped::toString).toList());
    }

    /**
     * What {@code latest} found: the newest backup of the chosen name, or none yet (a value, not a
     * failure: a scheduled verification before the first backup has simply nothing to do).
     *
     * @param name the name looked for; empty when the repository holds no backups and none was given
     * @param names the names the repository holds backups of
     * @param repositoryExists false when there is no repository yet (no backup ever reached it)
     */
    public record Newest(Optional<Manifest> backup, String repository, Optional<String> name,
                         SortedSet<String> names, boolean repositoryExists) {
        public Newest {
            names = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(names));
        }

        Newest(Optional<Manifest> backup, String repository, Optional<String> name, SortedSet<String> names) {
            this(backup, repository, name, names, true);
        }

        /** The failure a command ends with when there is none: exit 5, saying what there is. */
        public LifeboatException notFound() {
            if (!repositoryExists) {
                return Repository.missing(repository);
            }
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
        return choose(repository, idOrLatest, name, fallbackName).manifest();
    }

    public static Selection choose(Repository repository, String idOrLatest, String name, String fallbackName)
            throws IOException {
        return choose(repository, idOrLatest, name, fallbackName, Optional.empty());
    }

    /**
     * @param identity the identity of the target's place: without --name, {@code latest} means the
     *                 latest backup of the database that lives there, whatever its backups are named
     */
    public static Selection choose(Repository repository, String idOrLatest, String name, String fallbackName,
                                   Optional<String> identity) throws IOException {
        if (!LATEST.equals(idOrLatest)) {
            Optional<Manifest> found = repository.manifest(idOrLatest);
            if (found.isEmpty()) {
                throw new LifeboatException(ExitCode.NOT_FOUND, "no backup " + idOrLatest + " in "
                        + repository.location() + "; run 'lifeboat list --repo " + repository.location()
                        + "' to see the backups");
            }
            return new Selection(BackupStanding.of(repository, found.get()), List.of());
        }
        RepositoryContents contents = repository.contents();
        List<Manifest> backups = contents.backups().stream().filter(m -> !m.isPreRestore()).toList();
        TreeSet<String> names = new TreeSet<>(backups.stream().map(Manifest::name).toList());
        Optional<String> owned = name != null ? Optional.empty() : identity.flatMap(id -> backups.stream()
                .filter(m -> id.equals(m.source().identity())).reduce((a, b) -> b).map(Manifest::name));
        String chosen = name != null ? name : owned.or(() -> chooseName(names, fallbackName)).orElseThrow(() ->
                new Newest(Optional.empty(), repository.location(), Optional.empty(), names).notFound());
        List<Manifest> named = backups.stream().filter(m -> m.name().equals(chosen)).toList();
        if (named.isEmpty()) {
            throw new Newest(Optional.empty(), repository.location(), Optional.of(chosen), names).notFound();
        }
        List<Skipped> passedBy = new ArrayList<>();
        for (int i = named.size() - 1; i >= 0; i--) {
            BackupStanding standing = BackupStanding.of(repository, named.get(i));
            if (standing.trusted()) {
                return new Selection(standing, withDamaged(passedBy, contents.damaged(), named.get(i).id()));
            }
            passedBy.add(new Skipped(named.get(i).id(), standing.distrust().orElseThrow()));
        }
        throw new LifeboatException(ExitCode.INTEGRITY, "no trustworthy backup of '" + chosen + "' in "
                + repository.location() + ": " + joined(withDamaged(passedBy, contents.damaged(), ""))
                + "; to restore one anyway, give its id and --allow-suspicious");
    }

    /**
     * The passed-by list with each DAMAGED backup newer than {@code chosenId} (ids sort by time):
     * its manifest cannot say whose backup it is, so it may have been the newest of this name.
     */
    private static List<Skipped> withDamaged(List<Skipped> passedBy, List<DamagedBackup> damaged, String chosenId) {
        List<Skipped> all = new ArrayList<>(passedBy);
        damaged.stream().filter(d -> d.id().compareTo(chosenId) > 0)
                .forEach(d -> all.add(new Skipped(d.id(), "DAMAGED (" + d.reason() + ")")));
        all.sort(java.util.Comparator.comparing(Skipped::id).reversed());
        return all;
    }

    /**
     * The newest backup (pre-restore safety backups aside) of {@code name}, else of
     * {@code fallbackName} if the repository has it, else of the only name there is; a repository
     * holding several names and none chosen is a usage error.
     */
    public static Newest newest(Repository repository, String name, String fallbackName) throws IOException {
        if (!repository.exists()) {
            return new Newest(Optional.empty(), repository.location(), Optional.ofNullable(name), new TreeSet<>(),
                    false);
        }
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
