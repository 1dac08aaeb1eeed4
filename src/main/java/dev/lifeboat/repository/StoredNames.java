package dev.lifeboat.repository;

import dev.lifeboat.manifest.BackupIds;
import java.util.regex.Pattern;

/**
 * The names Lifeboat writes into a repository, as grammars. Anything read back from a repository
 * is checked against these before it becomes part of a path or a key: a name is one plain file
 * name of Lifeboat's own form, never a path.
 */
public final class StoredNames {
    /** {@code snapshot.sqlite.zst.age}, {@code snapshot-rekeyed-20261122031345.pgdump.gpg}, ... */
    private static final Pattern OBJECT =
            Pattern.compile("snapshot(-rekeyed-\\d{14})?(\\.[a-z0-9]{1,12}){1,2}(\\.(zst|gz))?(\\.(age|gpg))?");
    /** {@code verify-20261122T031345.123Z-1a2b3c.json}, written by the verifier. */
    private static final Pattern RECORD = Pattern.compile("[a-z]{1,20}-\\d{8}T\\d{6}\\.\\d{3}Z-[0-9a-f]{1,8}\\.json");
    /** The names a backup takes, as the CLI checks them. */
    private static final Pattern BACKUP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private StoredNames() {
    }

    public static boolean isBackupId(String id) {
        return id != null && id.length() < 64 && BackupIds.isValid(id);
    }

    public static boolean isObjectName(String name) {
        return name != null && name.length() <= 80 && OBJECT.matcher(name).matches();
    }

    public static boolean isRecordName(String name) {
        return name != null && RECORD.matcher(name).matches();
    }

    public static boolean isBackupName(String name) {
        return name != null && BACKUP_NAME.matcher(name).matches();
    }

    /** For messages: a name from a repository, cut short and stripped of control characters. */
    public static String printable(String name) {
        if (name == null) {
            return "(none)";
        }
        String plain = name.replaceAll("\\p{Cntrl}", "?");
        return plain.length() > 60 ? plain.substring(0, 60) + "..." : plain;
    }
}
