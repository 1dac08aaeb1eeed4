package dev.lifeboat.config;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.util.List;

/** A config file that cannot be used; the message names the first problem and how many more there are. */
public final class ConfigException extends LifeboatException {
    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(ExitCode.USAGE, summary(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String summary(List<Problem> problems) {
        Problem first = problems.get(0);
        String more = problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more problem"
                + (problems.size() == 2 ? "" : "s") + "; 'lifeboat config check --config " + first.file()
                + "' lists them all)";
        return first + more;
    }
}
