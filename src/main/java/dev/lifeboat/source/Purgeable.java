package dev.lifeboat.source;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A database that purge rules delete rows from, live or a restore's staged copy, connected to
 * exactly as a backup or a restore of it connects. The caller closes each connection.
 */
public interface Purgeable {
    /** A printable location without secrets. */
    String location();

    /** What database this is, for matching a restore target with the purge jobs of its source. */
    String identity();

    /** A read-write connection; failures to reach or open the database come as one-line Lifeboat errors. */
    Connection connect() throws SQLException;

    PurgeDialect dialect();
}
