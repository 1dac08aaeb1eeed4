package dev.lifeboat.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.s3.S3Location;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The repository URL: what it means, what it prints, and what it refuses. */
class S3LocationTest {
    @Test
    void fullUrlParsesAndPrintsBackAsGiven() {
        String url = "s3://backups/shop/nightly/?endpoint=https://acc.r2.cloudflarestorage.com&region=auto"
                + "&path-style=false&part-size=16MiB&timeout=90s&connect-timeout=5s&retries=6"
                + "&access-key-env=R2_KEY&secret-key-env=R2_SECRET";
        S3Location location = S3Location.parse(url);
        assertEquals("backups", location.bucket());
        assertEquals("shop/nightly", location.prefix());
        assertEquals("shop/nightly/backups/x", location.key("backups/x"));
        assertEquals("https://acc.r2.cloudflarestorage.com", location.endpoint().orElseThrow().toString());
        assertEquals(Optional.of("auto"), location.region());
        assertFalse(location.pathStyle());
        assertEquals(16L << 20, location.partSize());
        assertEquals(Duration.ofSeconds(90), location.timeout());
        assertEquals(Duration.ofSeconds(5), location.connectTimeout());
        assertEquals(6, location.retries());
        assertEquals(Optional.of("R2_KEY"), location.accessKeyEnv());
        assertEquals(url.replace("nightly/?", "nightly?"), location.toString());
    }

    @Test
    void defaultsSuitAwsWithoutEndpointAndPathStyleWithOne() {
        S3Location aws = S3Location.parse("s3://my-bucket");
        assertEquals("", aws.prefix());
        assertEquals("backups/x", aws.key("backups/x"));
        assertFalse(aws.pathStyle());
        assertEquals(8L << 20, aws.partSize());
        assertEquals(Duration.ofSeconds(60), aws.timeout());
        assertEquals(4, aws.retries());
        assertTrue(S3Location.parse("s3://my-bucket/p?endpoint=http://127.0.0.1:9000").pathStyle());
    }

    @Test
    void refusesSecretsAndNonsenseWithoutEchoingValues() {
        assertUsage("s3://AKIAXXXX:hunter2@bucket/p", "never in the repository URL", "hunter2");
        assertUsage("s3://bucket/p?endpoint=https://AKIAXXXX:hunter2@host", "never in the endpoint URL", "hunter2");
        assertUsage("s3://bucket/p?secret_key=hunter2", "unknown S3 repository option 'secret_key'", "hunter2");
        assertUsage("s3://bucket/p?access-key-env=hunter2!&secret-key-env=X", "must name an environment variable",
                "hunter2");
        assertUsage("s3://bucket/p?access-key-env=A", "give both", null);
        assertUsage("s3://bucket/p?part-size=1MiB", "between 5MiB", null);
        assertUsage("s3://bucket/p?timeout=soon", "not a duration", null);
        assertUsage("s3://bucket/p?retries=-1", "from 0 to 20", null);
        assertUsage("s3://Bad_Bucket/p", "not a valid S3 bucket name", null);
        assertUsage("s3://bucket/p?endpoint=ftp://host", "http:// or https://", null);
    }

    private static void assertUsage(String url, String expected, String secret) {
        LifeboatException e = assertThrows(LifeboatException.class, () -> S3Location.parse(url));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        if (secret != null) {
            assertFalse(e.getMessage().contains(secret), e.getMessage());
        }
    }
}
