package dev.lifeboat.repository.s3;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Builds the S3 client for a location. Credentials come from the environment map the command
 * was given (never from the URL): the variables the URL names, else the standard AWS variables,
 * else an AWS profile, else (on AWS itself only) the instance role.
 */
final class S3Clients {
    static final int CONNECTIONS = 16;
    static final String ACCESS_KEY = "AWS_ACCESS_KEY_ID";
    static final String SECRET_KEY = "AWS_SECRET_ACCESS_KEY";
    static final String SESSION_TOKEN = "AWS_SESSION_TOKEN";

    private S3Clients() {
    }

    static S3Client create(S3Location location, Map<String, String> env) {
        // The timeout bounds waiting for an answer or for data to move; a part upload may in
        // addition take as long as its size needs at a slow 128 KiB/s.
        Duration attempt = location.timeout().plusSeconds(location.partSize() / (128 << 10));
        int attempts = location.retries() + 1;
        var builder = S3Client.builder()
                .httpClient(Apache5HttpClient.builder()
                        .connectionTimeout(location.connectTimeout())
                        .socketTimeout(location.timeout())
                        .connectionAcquisitionTimeout(location.timeout())
                        .maxConnections(CONNECTIONS)
                        .build())
                .region(Region.of(location.region().orElseGet(() -> env.getOrDefault("AWS_REGION",
                        env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1")))))
                .credentialsProvider(credentials(location, env))
                .forcePathStyle(location.pathStyle())
                // Newer SDK defaults add CRC checksums that R2, B2 and others reject.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c
                        .apiCallAttemptTimeout(attempt)
                        // every attempt, plus room for the backoff between them (at most 20 s each)
                        .apiCallTimeout(attempt.multipliedBy(attempts).plusSeconds(20L * (attempts - 1)))
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(attempts).circuitBreakerEnabled(false)
                                // A body that does not parse (cut short, garbled by a proxy) is as
                                // transient as a 5xx; the SDK alone would give up at once.
                                .retryOnExceptionOrCauseInstanceOf(XMLStreamException.class)
                                .build()));
        location.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    static AwsCredentialsProvider credentials(S3Location location, Map<String, String> env) {
        if (location.accessKeyEnv().isPresent()) {
            String access = location.accessKeyEnv().get();
            String secret = location.secretKeyEnv().orElseThrow();
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(required(env, access, location),
                    required(env, secret, location)));
        }
        String access = env.get(ACCESS_KEY);
        String secret = env.get(SECRET_KEY);
        if (access != null && secret != null) {
            String token = env.get(SESSION_TOKEN);
            return StaticCredentialsProvider.create(token == null ? AwsBasicCredentials.create(access, secret)
                    : AwsSessionCredentials.create(access, secret, token));
        }
        List<AwsCredentialsProvider> chain = new ArrayList<>();
        profileFile(env).ifPresent(file -> chain.add(ProfileCredentialsProvider.builder().profileFile(file)
                .profileName(env.getOrDefault("AWS_PROFILE", "default")).build()));
        // The instance metadata service exists only on AWS; asking for it elsewhere just waits.
        if (location.endpoint().isEmpty() && !"true".equalsIgnoreCase(env.get("AWS_EC2_METADATA_DISABLED"))) {
            chain.add(InstanceProfileCredentialsProvider.create());
        }
        if (chain.isEmpty()) {
            throw noCredentials(location);
        }
        return AwsCredentialsProviderChain.builder().credentialsProviders(chain).reuseLastProviderEnabled(true)
                .build();
    }

    static LifeboatException noCredentials(S3Location location) {
        return new LifeboatException(ExitCode.REPOSITORY, "no S3 credentials for " + location
                + "; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or an AWS profile, or name your own"
                + " variables with access-key-env=...&secret-key-env=... in the URL)");
    }

    private static String required(Map<String, String> env, String name, S3Location location) {
        String value = env.get(name);
        if (value == null || value.isEmpty()) {
            throw new LifeboatException(ExitCode.REPOSITORY, "environment variable " + name + " (named by "
                    + location + ") is not set; export it with the S3 key before running lifeboat");
        }
        return value;
    }

    private static java.util.Optional<ProfileFile> profileFile(Map<String, String> env) {
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path credentials = Path.of(env.getOrDefault("AWS_SHARED_CREDENTIALS_FILE", home + "/.aws/credentials"));
        Path config = Path.of(env.getOrDefault("AWS_CONFIG_FILE", home + "/.aws/config"));
        ProfileFile.Aggregator aggregator = ProfileFile.aggregator();
        boolean any = false;
        if (Files.isReadable(credentials)) {
            aggregator.addFile(ProfileFile.builder().content(credentials).type(ProfileFile.Type.CREDENTIALS).build());
            any = true;
        }
        if (Files.isReadable(config)) {
            aggregator.addFile(ProfileFile.builder().content(config).type(ProfileFile.Type.CONFIGURATION).build());
            any = true;
        }
        return any ? java.util.Optional.of(aggregator.build()) : java.util.Optional.empty();
    }
}
