package dev.lifeboat.backup;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * A backup name belongs to one source in a repository. An explicit name that another source
 * already holds is refused; a default name (the file's base name) that another source holds
 * becomes {@code FOLDER-NAME}, then {@code NAME-HASH}, so two {@code data.db} files in different
 * folders never share backups, a --min-interval or a {@code latest}.
 */
final class NameClaims {
    private NameClaims() {
    }

    /** The name this source's backups take; a note for the user when it is not the one asked for. */
    record Claim(String name, Optional<String> note) {
    }

    static Claim claim(List<Repository> repositories, String identity, String wanted, boolean explicit) {
        List<Manifest> known = known(repositories);
        Optional<Manifest> holder = heldByAnother(known, wanted, identity);
        if (holder.isEmpty()) {
            return new Claim(wanted, Optional.empty());
        }
        if (explicit) {
            throw new LifeboatException(ExitCode.USAGE, "the backup name '" + wanted + "' already belongs to "
                    + holder.get().source().identity() + " (backup " + holder.get().id() + "), and this source is "
                    + identity + "; give this database its own --name");
        }
        for (String candidate : alternatives(wanted, identity)) {
            if (heldByAnother(known, candidate, identity).isEmpty()) {
                return new Claim(candidate, Optional.of("backups named '" + wanted + "' belong to "
                        + holder.get().source().identity() + "; this database's backups are named '" + candidate
                        + "' (give --name to choose another)"));
            }
        }
        throw new IllegalStateException("a hash-suffixed name is unique to its source");
    }

    private static Optional<Manifest> heldByAnother(List<Manifest> known, String name, String identity) {
        return known.stream().filter(m -> m.name().equals(name) && !m.source().mayBelongTo(identity)).findFirst();
    }

    /** An unreachable repository claims nothing here; the backup itself reports it. */
    private static List<Manifest> known(List<Repository> repositories) {
        List<Manifest> known = new ArrayList<>();
        for (Repository repository : repositories) {
            try {
                repository.manifests().stream().filter(m -> !m.isPreRestore()).forEach(known::add);
            } catch (IOException | RuntimeException e) {
                // See above.
            }
        }
        return known;
    }

    private static List<String> alternatives(String wanted, String identity) {
        List<String> names = new ArrayList<>();
        int path = identity.indexOf(":/");
        if (path > 0 && !identity.startsWith("postgresql:")) {
            java.nio.file.Path folder = java.nio.file.Path.of(identity.substring(path + 1)).getParent();
            if (folder != null && folder.getFileName() != null && !safe(folder.getFileName().toString()).isEmpty()) {
                names.add(safe(folder.getFileName().toString()) + "-" + wanted);
            }
        }
        names.add(wanted + "-" + hash(identity));
        return names;
    }

    /** Backup names are letters, digits, dots, dashes and underscores. */
    private static String safe(String text) {
        return text.replaceAll("[^A-Za-z0-9._-]", "_").replaceFirst("^[^A-Za-z0-9]+", "");
    }

    private static String hash(String identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 3);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
