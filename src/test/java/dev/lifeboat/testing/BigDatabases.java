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
}
