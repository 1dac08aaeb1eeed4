package dev.lifeboat.cli;

/** A --repo argument: the repository, and whether the backup may succeed without it ({@code #optional}). */
record RepositoryArgs(String spec, boolean required) {
    static final String OPTIONAL = "#optional";
    static final String REQUIRED = "#required";

    static RepositoryArgs parse(String argument) {
        if (argument.endsWith(OPTIONAL)) {
            return new RepositoryArgs(argument.substring(0, argument.length() - OPTIONAL.length()), false);
        }
        if (argument.endsWith(REQUIRED)) {
            return new RepositoryArgs(argument.substring(0, argument.length() - REQUIRED.length()), true);
        }
        return new RepositoryArgs(argument, true);
    }
}
