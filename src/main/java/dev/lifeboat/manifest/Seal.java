package dev.lifeboat.manifest;

/** Sizes and SHA-256 digests (lower-case hex) of the plain snapshot and of the stored object. */
public record Seal(long plainSize, String plainSha256, long storedSize, String storedSha256) {
}
