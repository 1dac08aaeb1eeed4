package dev.lifeboat.repository;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a manifest as the untrusted input it is: it must parse, carry every field a backup needs,
 * belong to the folder it was found in, and name its object by Lifeboat's own grammar. A manifest
 * that fails any of this makes its backup {@link DamagedBackup damaged}, nothing more.
 */
public final class StoredManifests {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final List<String> SCHEMES = List.of("none", "age", "openpgp");
    private static final List<String> COMPRESSIONS = List.of("zstd", "gzip", "none");

    private StoredManifests() {
    }

    /** Thrown for a manifest that cannot be trusted; the message is the reason, one line. */
    public static final class Damaged extends Exception {
        Damaged(String reason) {
            super(reason);
        }
    }

    /** @param folderId the id of the folder (or key prefix) the manifest was read from */
    public static Manifest parse(byte[] json, String folderId) throws Damaged {
        Manifest m;
        try {
            m = Json.read(json, Manifest.class);
        } catch (IOException | RuntimeException e) {
            throw new Damaged("its manifest is not valid JSON of a Lifeboat manifest (" + firstLine(e) + ")");
        }
        if (m == null) {
            throw new Damaged("its manifest is empty");
        }
        List<String> problems = problems(m, folderId);
        if (!problems.isEmpty()) {
            throw new Damaged("its manifest " + String.join(", ", problems));
        }
        return m;
    }

    /** The manifest of backup {@code id}, or the integrity failure that names why it is damaged. */
    public static LifeboatException refusal(String location, DamagedBackup damaged) {
        return LifeboatException.integrity("backup " + damaged.id() + " in " + location + " is damaged: "
                + damaged.reason() + "; it is never restored; restore another backup and run 'lifeboat verify all'");
    }

    private static List<String> problems(Manifest m, String folderId) {
        List<String> problems = new ArrayList<>();
        if (m.format() < 1 || m.format() > Manifest.FORMAT) {
            problems.add("has format " + m.format() + ", which this Lifeboat does not read (upgrade Lifeboat?)");
        }
        if (!StoredNames.isBackupId(m.id()) || !m.id().equals(folderId)) {
            problems.add("names id '" + StoredNames.printable(m.id()) + "', not its folder's");
        }
        if (!StoredNames.isBackupName(m.name())) {
            problems.add("has no valid name");
        }
        if (!Manifest.PURPOSE_BACKUP.equals(m.purpose()) && !Manifest.PURPOSE_PRE_RESTORE.equals(m.purpose())) {
            problems.add("has no known purpose");
        }
        if (!StoredNames.isObjectName(m.object())) {
            problems.add("names object '" + StoredNames.printable(m.object()) + "', which is not a Lifeboat object name");
        }
        if (m.source() == null || m.source().kind() == null || m.source().location() == null) {
            problems.add("has no source");
        }
        if (m.startedAt() == null || m.finishedAt() == null) {
            problems.add("has no start or finish time");
        }
        if (m.seal() == null || m.seal().plainSize() < 0 || m.seal().storedSize() < 0
                || !isSha256(m.seal().plainSha256()) || !isSha256(m.seal().storedSha256())) {
            problems.add("has no valid sizes and SHA-256 digests");
        }
        if (m.compression() == null || !known(COMPRESSIONS, m.compression().algorithm())) {
            problems.add("has no known compression");
        }
        if (m.encryption() == null || !known(SCHEMES, m.encryption().scheme())) {
            problems.add("has no known encryption");
        }
        if (m.facts() == null || m.facts().engine() == null) {
            problems.add("has no facts");
        }
        return problems;
    }

    private static boolean known(List<String> names, String name) {
        return name != null && names.contains(name);
    }

    private static boolean isSha256(String hex) {
        return hex != null && SHA256.matcher(hex).matches();
    }

    private static String firstLine(Exception e) {
        String message = e instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage()
                : e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        String line = message.lines().findFirst().orElse("");
        return StoredNames.printable(line.length() > 100 ? line.substring(0, 100) : line);
    }
}
