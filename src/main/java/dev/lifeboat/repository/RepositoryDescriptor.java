package dev.lifeboat.repository;

import java.time.Instant;

/** The small file that marks a folder or prefix as a Lifeboat repository. */
public record RepositoryDescriptor(String kind, int format, String id, Instant createdAt) {
    public static final String KIND = "lifeboat-repository";
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "lifeboat-repository.json";
}
