package dev.lifeboat.source.postgres;

import dev.lifeboat.source.PurgeDialect;
import dev.lifeboat.source.Purgeable;
import java.sql.Connection;

/**
 * A PostgreSQL database to purge, reached through {@link PgClient} exactly as a backup or restore
 * reaches it: the URL's rules (no password in it), password-env, PGPASSWORD, PGPASSFILE or
 * ~/.pgpass, TLS modes, unix sockets.
 *
 * @param database the database to connect to: the URL's, or a restore's staged copy
 */
record PgPurgeable(PgClient client, String database, String location) implements Purgeable {
    static PgPurgeable live(PgClient client) {
        return new PgPurgeable(client, client.url().database(), client.url().location());
    }

    /** The server and database, as {@code PgSource.identity()} names them (without a scope). */
    @Override
    public String identity() {
        return client.url().withDatabase(database).identity();
    }

    @Override
    public Connection connect() {
        return client.connect(database);
    }

    @Override
    public PurgeDialect dialect() {
        return new PgPurgeDialect();
    }
}
