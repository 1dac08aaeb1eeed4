package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.client.keyverifier.KnownHostsServerKeyVerifier;
import org.apache.sshd.client.keyverifier.RejectAllServerKeyVerifier;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;

/**
 * Accepts a server only with the host key the user vouched for: the one whose fingerprint the
 * URL gives, else one listed in known_hosts. Nothing is ever added to known_hosts. Why a key was
 * refused is kept until the next connection, so that the failure can say so in one line with the fix.
 */
final class HostKeyCheck implements ServerKeyVerifier {
    enum Refusal { UNKNOWN, CHANGED, REVOKED, WRONG_FINGERPRINT }

    private record Verdict(Refusal refusal, PublicKey offered) {
    }

    /** The refusal of the connection being made; a store makes one at a time. */
    private final AtomicReference<Verdict> verdict = new AtomicReference<>();
    private final SftpLocation location;
    private final Path knownHosts;
    private final ServerKeyVerifier delegate;

    HostKeyCheck(SftpLocation location, Path knownHosts) {
        this.location = location;
        this.knownHosts = knownHosts;
        this.delegate = location.fingerprint().isPresent() ? this::matchesFingerprint
                : new KnownHosts(knownHosts, verdict);
    }

    @Override
    public boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        return delegate.verifyServerKey(session, remote, key);
    }

    /** Forgets the last connection's verdict, before the next is made. */
    void reset() {
        verdict.set(null);
    }

    /** The one line for the last connection, if it was refused because of its host key. */
    Optional<LifeboatException> refusal() {
        return Optional.ofNullable(verdict.get()).map(this::explain);
    }

    private boolean matchesFingerprint(ClientSession session, SocketAddress remote, PublicKey key) {
        if (KeyUtils.checkFingerPrint(location.fingerprint().orElseThrow(), key).getKey()) {
            return true;
        }
        verdict.set(new Verdict(Refusal.WRONG_FINGERPRINT, key));
        return false;
    }

    private LifeboatException explain(Verdict refused) {
        String server = location.server();
        String offered = KeyUtils.getKeyType(refused.offered()) + " " + KeyUtils.getFingerPrint(refused.offered());
        String entry = location.port() == 22 ? location.host() : "[" + location.host() + "]:" + location.port();
        String message = switch (refused.refusal()) {
            case UNKNOWN -> "the host key of " + server + " is not in " + knownHosts
                    + (Files.exists(knownHosts) ? "" : " (no such file)") + "; the server offers " + offered
                    + "; check that fingerprint with the server's owner, then add the key with 'ssh-keyscan -p "
                    + location.port() + " " + location.host() + " >> " + knownHosts + "' (or set"
                    + " LIFEBOAT_SFTP_KNOWN_HOSTS), or put ?fingerprint=" + KeyUtils.getFingerPrint(refused.offered())
                    + " in the repository URL";
            case CHANGED -> "the host key of " + server + " has CHANGED from the one in " + knownHosts
                    + " (now " + offered + "); someone may be intercepting the connection, or the server was"
                    + " reinstalled; only if its owner confirms the new key, remove the old one with 'ssh-keygen -R \""
                    + entry + "\" -f " + knownHosts + "' and add the new one";
            case REVOKED -> "the host key of " + server + " (" + offered + ") is marked @revoked in " + knownHosts
                    + "; ask the server's owner for its new key";
            case WRONG_FINGERPRINT -> "the host key of " + server + " is " + offered + ", not the fingerprint="
                    + " in the repository URL; someone may be intercepting the connection, or the URL holds an old"
                    + " fingerprint; check it with the server's owner";
        };
        return new LifeboatException(ExitCode.REPOSITORY, message);
    }

    /** known_hosts as OpenSSH reads it (hashed names, [host]:port, markers), never written to. */
    private static final class KnownHosts extends KnownHostsServerKeyVerifier {
        private final AtomicReference<Verdict> verdict;

        KnownHosts(Path file, AtomicReference<Verdict> verdict) {
            super(RejectAllServerKeyVerifier.INSTANCE, file);
            this.verdict = verdict;
        }

        @Override
        public boolean acceptModifiedServerKey(ClientSession session, SocketAddress remote, KnownHostEntry entry,
                                               PublicKey expected, PublicKey actual) {
            verdict.set(new Verdict(Refusal.CHANGED, actual));
            return false;
        }

        @Override
        protected boolean acceptUnknownHostKey(ClientSession session, SocketAddress remote, PublicKey key) {
            verdict.set(new Verdict(Refusal.UNKNOWN, key));
            return false;
        }

        @Override
        protected void handleRevokedKey(ClientSession session, SocketAddress remote, PublicKey key) {
            verdict.set(new Verdict(Refusal.REVOKED, key));
        }
    }
}
