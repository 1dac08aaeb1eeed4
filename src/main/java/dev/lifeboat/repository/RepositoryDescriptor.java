package dev.lifeboat.repository;

import dev.lifeboat.manifest.Manifest;
import java.time.Instant;

/**
 * The small file that marks a folder or prefix as a Lifeboat repository. It may pin the
 * encryption (public recipients only), so later backups need no flags and never go out plain.
 */
public record RepositoryDescriptor(String kind, int format, String id, Instant createdAt,
                                   Manifest.EncryptionInfo pinnedEncryption) {
    public static final String KIND = "lifeboat-repository";
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "lifeboat-repository.json";
}
