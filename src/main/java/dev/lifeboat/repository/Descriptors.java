package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import java.io.IOException;
import java.util.UUID;

/** Reads the repository descriptor as untrusted input: every way it can be wrong is one line, exit 4. */
public final class Descriptors {
    private Descriptors() {
    }

    /** @param file where the descriptor was read, for messages (a path or a URL, no credentials) */
    public static RepositoryDescriptor parse(byte[] json, String file) {
        RepositoryDescriptor found;
        try {
            found = Json.read(json, RepositoryDescriptor.class);
        } catch (IOException | RuntimeException e) {
            throw malformed(file, "it is not valid JSON of a repository descriptor");
        }
        if (found == null || !RepositoryDescriptor.KIND.equals(found.kind())) {
            throw new LifeboatException(ExitCode.REPOSITORY, file + " is not a Lifeboat repository descriptor (its"
                    + " kind is not '" + RepositoryDescriptor.KIND + "'); choose another --repo, or restore that"
                    + " file from a copy of the repository");
        }
        if (found.format() > RepositoryDescriptor.FORMAT) {
            throw new LifeboatException(ExitCode.REPOSITORY, file + " has repository format " + found.format()
                    + ", newer than this Lifeboat understands; upgrade Lifeboat");
        }
        if (found.format() < 1 || found.id() == null || !isUuid(found.id()) || found.createdAt() == null) {
            throw malformed(file, "it lacks a valid format, id or creation time");
        }
        return found;
    }

    private static LifeboatException malformed(String file, String why) {
        return new LifeboatException(ExitCode.REPOSITORY, "the repository descriptor " + file + " is damaged ("
                + why + "); restore it from a copy of the repository, or choose another --repo");
    }

    private static boolean isUuid(String id) {
        try {
            return UUID.fromString(id).toString().equalsIgnoreCase(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
