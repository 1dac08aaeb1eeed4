package dev.lifeboat.manifest;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Backup ids sort by time as plain strings: {@code 20261122T031345Z-1a2b3c}. */
public final class BackupIds {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern VALID = Pattern.compile("\\d{8}T\\d{6}Z-[0-9a-f]{6}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private BackupIds() {
    }

    public static String newId(Instant now) {
        byte[] suffix = new byte[3];
        RANDOM.nextBytes(suffix);
        return FORMAT.format(now) + "-" + HexFormat.of().formatHex(suffix);
    }

    public static boolean isValid(String id) {
        return VALID.matcher(id).matches();
    }
}
