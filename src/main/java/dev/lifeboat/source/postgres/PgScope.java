package dev.lifeboat.source.postgres;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which part of a database a backup holds, with pg_dump's rules: tables named with --table are
 * dumped whatever the schema options say; --exclude-table applies last. Names are exact, never
 * patterns, so that the tables Lifeboat counts are exactly the tables pg_dump dumps.
 */
public record PgScope(List<String> schemas, List<String> excludeSchemas, List<QualifiedName> tables,
                      List<QualifiedName> excludeTables) {
    public static final PgScope WHOLE_DATABASE = new PgScope(List.of(), List.of(), List.of(), List.of());

    public PgScope {
        schemas = List.copyOf(schemas);
        excludeSchemas = List.copyOf(excludeSchemas);
        tables = List.copyOf(tables);
        excludeTables = List.copyOf(excludeTables);
    }

    /** {@code schema.table}; both parts are plain names, not patterns. */
    public record QualifiedName(String schema, String table) {
        /** Parses a name {@link #problem} found nothing wrong with. */
        static QualifiedName parse(String text) {
            int dot = text.indexOf('.');
            return new QualifiedName(text.substring(0, dot), text.substring(dot + 1));
        }

        /** Why {@code text} is not {@code schema.table}; empty when it is. */
        static java.util.Optional<String> problem(String text) {
            int dot = text.indexOf('.');
            return dot <= 0 || dot == text.length() - 1 ? java.util.Optional.of("'" + text + "' needs the schema"
                    + " too, e.g. public." + text) : java.util.Optional.empty();
        }

        @Override
        public String toString() {
            return schema + "." + table;
        }

        // Written out: the generated equals and hashCode bootstrap through invokedynamic on first
        // use, about 10 ms in a fresh JVM, and a backup first uses them in the middle of the dump.
        @Override
        public boolean equals(Object other) {
            return other instanceof QualifiedName name && Objects.equals(schema, name.schema)
                    && Objects.equals(table, name.table);
        }

        @Override
        public int hashCode() {
            return 31 * Objects.hashCode(schema) + Objects.hashCode(table);
        }
    }

    public boolean wholeDatabase() {
        // Not equals(WHOLE_DATABASE): a record's first equals() costs a cold JVM tens of milliseconds.
        return schemas.isEmpty() && excludeSchemas.isEmpty() && tables.isEmpty() && excludeTables.isEmpty();
    }

    boolean includes(String schema, String table) {
        QualifiedName name = new QualifiedName(schema, table);
        if (excludeTables.contains(name)) {
            return false;
        }
        if (!tables.isEmpty()) {
            return tables.contains(name);
        }
        return (schemas.isEmpty() || schemas.contains(schema)) && !excludeSchemas.contains(schema);
    }

    /** pg_dump options; names are double-quoted so pg_dump matches them literally. */
    List<String> pgDumpArguments() {
        List<String> args = new ArrayList<>();
        schemas.forEach(s -> args.add("--schema=" + quote(s)));
        excludeSchemas.forEach(s -> args.add("--exclude-schema=" + quote(s)));
        tables.forEach(t -> args.add("--table=" + quote(t.schema()) + "." + quote(t.table())));
        excludeTables.forEach(t -> args.add("--exclude-table=" + quote(t.schema()) + "." + quote(t.table())));
        if (!schemas.isEmpty() || !tables.isEmpty()) {
            args.add("--strict-names");
        }
        return args;
    }

    /** For the manifest: what part of the database this backup holds. */
    String describe() {
        if (wholeDatabase()) {
            return "database";
        }
        List<String> parts = new ArrayList<>();
        if (!schemas.isEmpty()) {
            parts.add("schemas " + String.join(",", schemas));
        }
        if (!excludeSchemas.isEmpty()) {
            parts.add("without schemas " + String.join(",", excludeSchemas));
        }
        if (!tables.isEmpty()) {
            parts.add("tables " + String.join(",", tables.stream().map(QualifiedName::toString).toList()));
        }
        if (!excludeTables.isEmpty()) {
            parts.add("without tables " + String.join(",",
                    excludeTables.stream().map(QualifiedName::toString).toList()));
        }
        return String.join("; ", parts);
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
