package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;

/** Backup names are used in listings and file names, so they stay plain. */
final class Names {
    private Names() {
    }

    static String check(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new LifeboatException(ExitCode.USAGE, "--name '" + name + "' is not a valid name; use letters,"
                    + " digits, '.', '_' and '-' (at most 100), starting with a letter or digit");
        }
        return name;
    }
}
