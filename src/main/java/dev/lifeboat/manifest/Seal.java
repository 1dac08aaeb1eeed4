package dev.lifeboat.manifest;

/** Sizes and SHA-256 digests (lower-case hex) of the plain snapshot and of the stored object. */
public record Seal(@com.fasterxml.jackson.annotation.JsonAlias("plainSize") long plainSize, @com.fasterxml.jackson.annotation.JsonAlias("plainSha256") String plainSha256,
                   @com.fasterxml.jackson.annotation.JsonAlias("storedSize") long storedSize, @com.fasterxml.jackson.annotation.JsonAlias("storedSha256") String storedSha256) {
}
