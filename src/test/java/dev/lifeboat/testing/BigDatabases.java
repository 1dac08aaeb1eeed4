package dev.lifeboat.testing;

import java.nio.file.Path;

/** SQLite files of random (incompressible) blobs, so the stored object is as large as the database. */
public final class BigDatabases {
    private BigDatabases() {
    }

    /** About {@code megabytes} MB in table docs, 256 rows per MB. */
    public static Path random(Path db, int megabytes) {
        Tools.ok("sqlite3", db.toString(), "CREATE TABLE docs(id INTEGER PRIMARY KEY, body BLOB);"
                + " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + megabytes * 256
                + ") INSERT INTO docs(body) SELECT randomblob(4000) FROM n;");
        return db;
    }

    /**
     * Adds {@code rows} rows of hex text to table pages of {@code db}: text that zstd compresses
     * slowly at level 19, so a backup of it is surely mid-upload for a while (60,000 rows: seconds).
     */
    public static Path slowToCompress(Path db, int rows) {
        Tools.ok("sqlite3", db.toString(), "CREATE TABLE pages(body TEXT); INSERT INTO pages WITH RECURSIVE"
                + " n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " + rows + ")"
                + " SELECT hex(randomblob(200)) || printf('%08d', i) FROM n;");
        return db;
    }
}
