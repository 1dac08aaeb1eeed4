package dev.lifeboat.cli;

/** A --repo argument: the repository, and whether the backup may succeed without it ({@code #optional}). */
record RepositoryArgs(String spec, boolean required) {
    /** The help of a --repo that names one repository to read or change. */
    static final String HELP = "The repository: a folder, file:PATH, s3://bucket/prefix?endpoint=URL&region=R or"
            + " sftp://user@host:port/path.";
    /** The help of a BACKUP_ID|latest argument. */
    static final String BACKUP_HELP = "A backup id as 'list' shows it, or 'latest': the newest complete backup"
            + " (of --name, if given).";
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
