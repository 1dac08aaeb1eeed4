package dev.lifeboat.source.postgres;

import dev.lifeboat.source.EngineFailure;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engine;
import dev.lifeboat.source.Inspector;
import dev.lifeboat.source.RestoreTarget;
import dev.lifeboat.source.Source;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The backups of a server's roles and tablespaces that {@code --all-databases} makes. They are
 * SQL for psql, applied by hand ({@code lifeboat cat ID | psql -d postgres}), since creating and
 * altering roles on a live server is not something to do behind anyone's back; verification
 * checks that the SQL is complete and holds the roles the manifest names.
 */
public final class PostgresGlobalsEngine implements Engine {
    @Override
    public String kind() {
        return PgGlobals.KIND;
    }

    @Override
    public boolean accepts(String spec) {
        return false;
    }

    @Override
    public Source source(String spec) {
        throw EngineFailure.request("roles and tablespaces are backed up with --all-databases");
    }

    @Override
    public RestoreTarget target(String spec) {
        throw EngineFailure.request("roles and tablespaces are applied by hand: lifeboat cat ID"
                + " --repo REPO | psql -d postgres");
    }

    @Override
    public Inspector inspector() {
        return scratch -> new CheckedSql(scratch.newFile("globals.sql"));
    }

    /** The SQL in a scratch file: complete, and with the roles pg_dumpall wrote. */
    private static final class CheckedSql implements Inspector.Staged {
        private final Path file;

        CheckedSql(Path file) {
            this.file = file;
        }

        @Override
        public OutputStream output() throws IOException {
            return Channels.newOutputStream(ScratchSpace.writeTo(file));
        }

        @Override
        public Inspector.Inspection check() throws IOException {
            long roles = 0;
            boolean complete = false;
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line; (line = in.readLine()) != null; ) {
                    roles += line.startsWith("CREATE ROLE ") ? 1 : 0;
                    complete |= line.contains(PgGlobals.COMPLETE);
                }
            }
            if (!complete) {
                throw LifeboatException.integrity("the roles and tablespaces SQL lacks pg_dumpall's completion line;"
                        + " take a fresh backup with --all-databases");
            }
            return new Inspector.Inspection(List.of("pg_dumpall --globals-only output complete, " + roles
                    + " CREATE ROLE statements"), new Facts(PgGlobals.KIND, "", Map.of(), Map.of()));
        }

        @Override
        public void close() {
            ScratchSpace.delete(file);
        }
    }
}
