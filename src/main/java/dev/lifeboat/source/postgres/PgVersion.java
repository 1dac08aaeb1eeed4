package dev.lifeboat.source.postgres;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A PostgreSQL major version: 15, 16, or 9.6 for the old two-part numbering. */
record PgVersion(int major, int minor) implements Comparable<PgVersion> {
    private static final Pattern TOOL = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    /** From {@code server_version_num}, e.g. 150020 or 90624. */
    static PgVersion ofServerNumber(int number) {
        return number >= 100000 ? new PgVersion(number / 10000, 0) : new PgVersion(number / 10000, number / 100 % 100);
    }

    /** From a tool's {@code --version} line, e.g. "pg_dump (PostgreSQL) 15.20 (Debian …)"; null if none. */
    static PgVersion ofToolOutput(String output) {
        Matcher m = TOOL.matcher(output);
        if (!m.find()) {
            return null;
        }
        int major = Integer.parseInt(m.group(1));
        int minor = major < 10 && m.group(2) != null ? Integer.parseInt(m.group(2)) : 0;
        return new PgVersion(major, minor);
    }

    @Override
    public int compareTo(PgVersion other) {
        return major != other.major ? Integer.compare(major, other.major) : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return major < 10 ? major + "." + minor : "" + major;
    }
}
