package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.nio.file.Path;

/** Turns a --repo argument into a repository. Each store kind is one line here. */
public final class Repositories {
    private Repositories() {
    }

    public static Repository open(String spec) {
        if (spec.startsWith("file:")) {
            return new FileRepository(Path.of(spec.substring("file:".length())));
        }
        if (spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new LifeboatException(ExitCode.USAGE, "repository kind of '" + spec.replaceAll("\\?.*", "")
                    + "' is not supported; use a folder path or file:PATH");
        }
        return new FileRepository(Path.of(spec));
    }
}
