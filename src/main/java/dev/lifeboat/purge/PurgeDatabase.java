package dev.lifeboat.purge;

import java.sql.Connection;
import java.sql.SQLException;

/** A database to purge: how to connect, and its dialect. The caller closes each connection. */
public interface PurgeDatabase {
    /** A printable location without secrets. */
    String location();

    Connection connect() throws SQLException;

    PurgeDialect dialect();
}
