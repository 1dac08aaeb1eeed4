package dev.lifeboat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment of a process Lifeboat starts (pg_dump, pg_restore, pg_dumpall, a hook). Lifeboat's
 * own environment holds the secrets it was given by name (age passphrases and identities, SQLCipher
 * keys, S3 credentials, PGPASSWORD, any {@code *-env=VAR}), so a child inherits none of it except the
 * {@link #PASSED} names, which find programs and set the locale, home, clock and temp folder. Each
 * caller adds exactly what its child needs on top: libpq's variables, a hook's facts.
 */
public final class ChildEnvironment {
    /** What every child gets from Lifeboat's environment, when set: no name here ever holds a secret. */
    public static final List<String> PASSED = List.of("PATH", "HOME", "TZ", "TMPDIR", "LANG", "LANGUAGE", "LC_ALL",
            "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LC_MONETARY", "LC_NUMERIC", "LC_TIME", "LC_ADDRESS",
            "LC_IDENTIFICATION", "LC_MEASUREMENT", "LC_NAME", "LC_PAPER", "LC_TELEPHONE");

    private final Map<String, String> env;
    private final Map<String, String> variables;

    private ChildEnvironment(Map<String, String> env, Map<String, String> variables) {
        this.env = env;
        this.variables = variables;
    }

    /** The {@link #PASSED} variables of {@code env}, Lifeboat's own environment. */
    public static ChildEnvironment from(Map<String, String> env) {
        return new ChildEnvironment(Map.copyOf(env), Map.of()).inherit(PASSED);
    }

    /** Also {@code names} from Lifeboat's environment, those that are set (what a config asks to pass on). */
    public ChildEnvironment inherit(List<String> names) {
        Map<String, String> more = new LinkedHashMap<>(variables);
        names.stream().filter(env::containsKey).forEach(name -> more.put(name, env.get(name)));
        return new ChildEnvironment(env, Map.copyOf(more));
    }

    /** Also {@code values}, set by Lifeboat for this child; they win over inherited ones. */
    public ChildEnvironment with(Map<String, String> values) {
        Map<String, String> more = new LinkedHashMap<>(variables);
        more.putAll(values);
        return new ChildEnvironment(env, Map.copyOf(more));
    }

    /** Makes {@code builder} start its child with exactly these variables. */
    public ProcessBuilder applyTo(ProcessBuilder builder) {
        builder.environment().clear();
        builder.environment().putAll(variables);
        return builder;
    }

    /** Names only: the values may include a password. */
    @Override
    public String toString() {
        return "ChildEnvironment" + variables.keySet();
    }
}
