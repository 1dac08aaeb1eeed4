package dev.lifeboat.repository;

import dev.lifeboat.manifest.Manifest;
import java.time.Instant;

/**
 * The small file that marks a folder or prefix as a Lifeboat repository. It may pin the
 * encryption (public recipients only), so later backups need no flags and never go out plain.
 */
public record RepositoryDescriptor(String kind, int format, String id,
                                   @com.fasterxml.jackson.annotation.JsonAlias("createdAt") Instant createdAt,
                                   @com.fasterxml.jackson.annotation.JsonAlias("pinnedEncryption") Manifest.EncryptionInfo pinnedEncryption) {
    public static final String KIND = "lifeboat-repository";
    /**
     * 2: snake_case keys (1, camelCase, still reads). An older Lifeboat refuses a format-2
     * descriptor with "upgrade Lifeboat" rather than misreading its keys.
     */
    public static final int FORMAT = 2;
    public static final String FILE_NAME = "lifeboat-repository.json";
}
