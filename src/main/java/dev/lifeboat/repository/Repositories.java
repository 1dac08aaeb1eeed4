package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.file.FileStore;
import dev.lifeboat.repository.s3.S3Location;
import dev.lifeboat.repository.s3.S3Store;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Turns a --repo argument into a repository. Each store kind is one line here. */
public final class Repositories {
    private Repositories() {
    }

    /** @param env the command's environment, where credentials for remote stores come from */
    public static Repository open(String spec, Map<String, String> env) {
        if (S3Location.matches(spec)) {
            return new StoreRepository(S3Store.open(spec, env), Clock.systemUTC());
        }
        if (spec.startsWith("sftp://")) {
            return new StoreRepository(dev.lifeboat.repository.sftp.SftpStore.open(spec, env), Clock.systemUTC());
        }
        if (spec.startsWith("file:")) {
            return folder(Path.of(spec.substring("file:".length())));
        }
        if (spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new LifeboatException(ExitCode.USAGE, "repository kind of '" + spec.replaceAll("\\?.*", "")
                    + "' is not supported; use a folder path, file:PATH, s3://BUCKET/PREFIX?endpoint=URL or sftp://USER@HOST:PORT/PATH");
        }
        return folder(Path.of(spec));
    }

    /** The repository in a local folder. */
    public static Repository folder(Path root) {
        return new StoreRepository(new FileStore(root), Clock.systemUTC());
    }
}
