package dev.lifeboat.source.postgres;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Names of the databases Lifeboat creates, and SQL quoting. */
final class PgNames {
    /** PostgreSQL truncates identifiers to 63 bytes; ours must fit, or they would collide. */
    private static final int MAX_BYTES = 63;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
            .withZone(ZoneOffset.UTC);

    private PgNames() {
    }

    /** {@code shop_restore_20250101_120000}: lower case, so it needs no quotes in psql. */
    static String derived(String database, String purpose, Instant when) {
        return withSuffix(database, "_" + purpose + "_" + STAMP.format(when));
    }

    /** A scratch database for verification, unique even when runs start in the same second. */
    static String scratch(String database, Instant when) {
        byte[] random = new byte[3];
        new SecureRandom().nextBytes(random);
        return withSuffix(database, "_verify_" + STAMP.format(when) + "_" + HexFormat.of().formatHex(random));
    }

    static String withSuffix(String database, String suffix) {
        String base = database;
        while ((base + suffix).getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            base = base.substring(0, base.length() - 1);
        }
        return base + suffix;
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** A libpq connection string holding only a database name, so no name is read as a URL. */
    static String dbnameArgument(String database) {
        return "--dbname=dbname='" + database.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
