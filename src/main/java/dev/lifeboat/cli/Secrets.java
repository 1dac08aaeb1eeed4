package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.Console;
import java.util.Arrays;
import java.util.Map;

/** Secrets come from environment variables or the terminal, never from the command line. */
final class Secrets {
    private Secrets() {
    }

    static char[] fromEnv(Map<String, String> env, String variable, String what) {
        String value = env.get(variable);
        if (value == null || value.isEmpty()) {
            throw new LifeboatException(ExitCode.KEY, "environment variable " + variable + " is not set; put the "
                    + what + " in it (never on the command line)");
        }
        return value.toCharArray();
    }

    /** Asks on the terminal; with {@code confirm}, twice. */
    static char[] prompt(String what, boolean confirm) {
        Console console = System.console();
        if (!dev.lifeboat.Terminal.canPrompt()) {
            throw new LifeboatException(ExitCode.USAGE, "there is no terminal to ask for the " + what
                    + "; give it in an environment variable with --passphrase-env VAR");
        }
        char[] first = console.readPassword("%s: ", capitalized(what));
        if (first == null) {
            throw new LifeboatException(ExitCode.USAGE, "no " + what + " was entered");
        }
        if (confirm) {
            char[] second = console.readPassword("Repeat the %s: ", what);
            if (second == null || !Arrays.equals(first, second)) {
                throw new LifeboatException(ExitCode.USAGE, "the two " + what + "s differ; try again");
            }
            Arrays.fill(second, '\0');
        }
        return first;
    }

    private static String capitalized(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
