package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.s3.S3Location;
import dev.lifeboat.repository.s3.S3Repository;
import java.nio.file.Path;
import java.util.Map;

/** Turns a --repo argument into a repository. Each store kind is one line here. */
public final class Repositories {
    private Repositories() {
    }

    /** @param env the command's environment, where credentials for remote stores come from */
    public static Repository open(String spec, Map<String, String> env) {
        if (S3Location.matches(spec)) {
            return S3Repository.open(spec, env);
        }
        if (spec.startsWith("file:")) {
            return new FileRepository(Path.of(spec.substring("file:".length())));
        }
        if (spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new LifeboatException(ExitCode.USAGE, "repository kind of '" + spec.replaceAll("\\?.*", "")
                    + "' is not supported; use a folder path, file:PATH or s3://BUCKET/PREFIX?endpoint=URL");
        }
        return new FileRepository(Path.of(spec));
    }
}
