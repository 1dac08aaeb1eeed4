package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.future.AuthFuture;
import org.apache.sshd.client.future.ConnectFuture;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.SftpVersionSelector;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHFsyncExtension;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;

/**
 * Opens SFTP sessions to one server: public key authentication only, the host key checked,
 * SFTP version 3 (what OpenSSH speaks, so every server is used the same way). Opening the
 * connection, and then the key exchange and login, may each take {@code connect-timeout}; after
 * that a request unanswered for {@code timeout} fails, and keepalives with replies keep a quiet
 * but healthy connection open and close a dead one.
 */
final class SftpConnector implements AutoCloseable {
    private final SftpLocation location;
    private final HostKeyCheck hostKeys;
    private final SftpIdentities identities;
    private final SshClient client;

    SftpConnector(SftpLocation location, HostKeyCheck hostKeys, SftpIdentities identities) {
        this.location = location;
        this.hostKeys = hostKeys;
        this.identities = identities;
        client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(hostKeys);
        // ~/.ssh/config is not read: what the URL and the variables say is all there is.
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY);
        client.setKeyIdentityProvider(identities.keys());
        identities.agent().ifPresent(client::setAgentFactory);
        client.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        Duration timeout = location.timeout();
        // Until login the waits in connect() give up first; after it, a request waits for timeout.
        Duration slack = (timeout.compareTo(location.connectTimeout()) > 0 ? timeout : location.connectTimeout())
                .multipliedBy(2);
        CoreModuleProperties.IDLE_TIMEOUT.set(client, slack);
        CoreModuleProperties.AUTH_TIMEOUT.set(client, slack);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, timeout.dividedBy(3));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        SftpModuleProperties.SFTP_CHANNEL_OPEN_TIMEOUT.set(client, timeout);
        client.start();
    }

    /**
     * A new authenticated SFTP session. A refused host key or login is a one-line
     * {@link LifeboatException}; a network failure stays an {@link IOException} (worth a retry).
     */
    SftpConnection connect() throws IOException {
        hostKeys.reset();
        ClientSession session = null;
        try {
            session = session();
            return open(session);
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            Optional<LifeboatException> refusal = hostKeys.refusal();
            if (refusal.isPresent()) {
                throw refusal.get();
            }
            throw e;
        }
    }

    private SftpConnection open(ClientSession session) throws IOException {
        AuthFuture auth = session.auth();
        if (!auth.await(location.connectTimeout())) {
            throw new ConnectTimeout("no SSH login within " + location.connectTimeout().toMillis() + " ms");
        }
        Throwable failure = auth.getException();
        if (failure instanceof SshException ssh
                && ssh.getDisconnectCode() == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
            throw new LifeboatException(ExitCode.REPOSITORY, location.server() + " refused " + identities.description()
                    + " for user '" + location.user() + "'; add the public key to ~" + location.user()
                    + "/.ssh/authorized_keys on the server, or point " + SftpIdentities.KEY_FILE + " at the right key");
        }
        if (failure != null) {
            throw failure instanceof IOException io ? io : new IOException(failure);
        }
        CoreModuleProperties.IDLE_TIMEOUT.set(session, location.timeout());
        SftpClient sftp = SftpClientFactory.instance().createSftpClient(session,
                SftpVersionSelector.fixedVersionSelector(3));
        return new SftpConnection(session, sftp, sftp.getExtension(OpenSSHPosixRenameExtension.class).isSupported(),
                sftp.getExtension(OpenSSHFsyncExtension.class).isSupported());
    }

    private ClientSession session() throws IOException {
        ConnectFuture connect;
        try {
            connect = client.connect(location.user(), location.host(), location.port());
        } catch (UnresolvedAddressException e) {
            throw new UnknownHostException(location.host());
        }
        if (!connect.await(location.connectTimeout())) {
            connect.cancel();
            throw new ConnectTimeout("no connection within " + location.connectTimeout().toMillis() + " ms");
        }
        Throwable failure = connect.getException();
        if (failure instanceof UnresolvedAddressException) {
            throw new UnknownHostException(location.host());
        }
        if (failure != null) {
            throw failure instanceof IOException io ? io : new IOException(failure);
        }
        return connect.getSession();
    }

    /** Connecting or logging in took longer than connect-timeout. */
    static final class ConnectTimeout extends SocketTimeoutException {
        ConnectTimeout(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        client.stop();
    }
}
