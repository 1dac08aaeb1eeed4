package dev.lifeboat.purge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What the purge tests write and read: a config with one purge job, SQLite ids, a file's bytes. */
final class PurgeFiles {
    private PurgeFiles() {
    }

    /** {@code DIR/lifeboat.yaml} with the purge job {@code gdpr} on {@code source}; {@code rules} are YAML list items. */
    static Path purgeConfig(Path dir, String source, String rules) throws IOException {
        return Files.writeString(dir.resolve("lifeboat.yaml"), """
                jobs:
                  gdpr:
                    kind: purge
                    source: %s
                    rules:
                %s""".formatted(source, rules));
    }

    /** The ids in an SQLite table, in order. */
    static List<Long> ids(Path db, String table) throws SQLException {
        try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            return ids(conn, table);
        }
    }

    static List<Long> ids(Connection conn, String table) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM " + table
                + " ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** The bytes of an SQLite file followed by those of its -wal, if any: what a grep of both sees. */
    static byte[] withWal(Path db) {
        return concat(List.of(db, db.resolveSibling(db.getFileName() + "-wal")));
    }

    /** The bytes of the files that exist of {@code files}, one after another. */
    static byte[] concat(List<Path> files) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try {
            for (Path file : files) {
                if (Files.isRegularFile(file)) {
                    all.write(Files.readAllBytes(file));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toByteArray();
    }
}
