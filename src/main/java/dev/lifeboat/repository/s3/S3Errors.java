package dev.lifeboat.repository.s3;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.RepositoryUnavailable;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import javax.xml.stream.XMLStreamException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Turns S3 client failures into one line with the cause and a fix. SDK messages are not passed
 * on whole: they carry request ids and internals, never anything the user can act on.
 */
final class S3Errors {
    /**
     * What a full store answers: MinIO's code (with 507 Insufficient Storage) and Ceph RGW's
     * (with 403) when a bucket or user quota is used up.
     */
    private static final Set<String> FULL = Set.of("XMinioStorageFull", "QuotaExceeded");
    private static final Set<String> BAD_CREDENTIALS = Set.of("InvalidAccessKeyId", "SignatureDoesNotMatch",
            "InvalidToken", "ExpiredToken", "TokenRefreshRequired", "AuthorizationHeaderMalformed",
            "InvalidSecurity");

    private S3Errors() {
    }

    /** @param action what was being done, e.g. "writing backups/ID/manifest.json" */
    static LifeboatException map(S3Location location, String action, SdkException e) {
        if (e instanceof SdkServiceException service) {
            return service(location, action, service);
        }
        String endpoint = location.endpoint().map(Object::toString).orElse("AWS S3");
        if (hasCause(e, ApiCallTimeoutException.class) || hasCause(e, ApiCallAttemptTimeoutException.class)
                || hasCause(e, SocketTimeoutException.class)) {
            return new RepositoryUnavailable(endpoint + " did not answer in time while " + action + " ("
                    + location.retries() + " retries, timeout " + location.timeout().toSeconds() + " s); check"
                    + " the endpoint and the network, or raise timeout= in the repository URL", e);
        }
        if (hasCause(e, XMLStreamException.class)) {
            return new RepositoryUnavailable(endpoint + " kept answering with a malformed response (XML cut short or"
                    + " garbled) while " + action + " in " + location + " (" + location.retries() + " retries);"
                    + " try again later, and if it persists check endpoint= and any proxy on the way", e);
        }
        if (hasCause(e, UnknownHostException.class)) {
            return new LifeboatException(ExitCode.REPOSITORY, "unknown host in S3 endpoint " + endpoint
                    + "; check endpoint= in the repository URL and DNS", e);
        }
        if (hasCause(e, ConnectException.class)) {
            return new RepositoryUnavailable("cannot connect to " + endpoint + " while " + action
                    + " (connection refused); check that the S3 service is up and endpoint= is right", e);
        }
        if (e instanceof SdkClientException && String.valueOf(e.getMessage()).contains("credentials")) {
            return S3Clients.noCredentials(location);
        }
        return new RepositoryUnavailable("S3 request to " + endpoint + " failed while " + action + " in " + location
                + " (" + firstLine(e) + "); try again later, and if it persists check the network and endpoint=", e);
    }

    private static LifeboatException service(S3Location location, String action, SdkServiceException e) {
        String code = e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                && aws.awsErrorDetails() != null && aws.awsErrorDetails().errorCode() != null
                ? aws.awsErrorDetails().errorCode() : "HTTP " + e.statusCode();
        if ("NoSuchBucket".equals(code)) {
            return new LifeboatException(ExitCode.NOT_FOUND, "bucket '" + location.bucket() + "' does not exist"
                    + location.endpoint().map(u -> " at " + u).orElse("") + "; create it first (Lifeboat does"
                    + " not create buckets) or fix the bucket in " + location, e);
        }
        if (FULL.contains(code) || e.statusCode() == 507) {
            return new LifeboatException(ExitCode.REPOSITORY, "the S3 store " + location + " is full (" + code
                    + ": no space left or over quota) while " + action + "; free space or raise the quota there,"
                    + " or choose another repository", e);
        }
        if (BAD_CREDENTIALS.contains(code)) {
            return new LifeboatException(ExitCode.REPOSITORY, "S3 rejected the credentials for " + location
                    + " (" + code + "); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the variables"
                    + " named by access-key-env/secret-key-env)", e);
        }
        if (e.statusCode() == 403) {
            return new LifeboatException(ExitCode.REPOSITORY, "access denied to " + location + " while "
                    + action + " (" + code + "); allow these credentials to list, read, write and delete"
                    + " objects and abort multipart uploads under the prefix", e);
        }
        if (e.statusCode() >= 500 || e.isThrottlingException() || e.statusCode() == 429) {
            return new RepositoryUnavailable("S3 at " + location + " kept failing while " + action + " (" + code
                    + " after " + location.retries() + " retries); try again later or check the service status", e);
        }
        return new LifeboatException(ExitCode.REPOSITORY, "S3 refused " + action + " in " + location + " ("
                + code + "); check the repository URL and the bucket's settings", e);
    }

    static boolean isNotFound(SdkException e) {
        return e instanceof SdkServiceException s && s.statusCode() == 404
                && !(e instanceof software.amazon.awssdk.services.s3.model.NoSuchBucketException)
                && !"NoSuchBucket".equals(errorCode(s));
    }

    private static String errorCode(SdkServiceException e) {
        return e instanceof software.amazon.awssdk.awscore.exception.AwsServiceException aws
                && aws.awsErrorDetails() != null ? aws.awsErrorDetails().errorCode() : null;
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (type.isInstance(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }
}
