package dev.lifeboat.repository.sftp;

import java.io.EOFException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import org.apache.sshd.agent.SshAgent;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.agent.SshAgentServer;
import org.apache.sshd.agent.common.AbstractAgentProxy;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.channel.ChannelFactory;
import org.apache.sshd.common.session.ConnectionService;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The ssh-agent at {@code SSH_AUTH_SOCK}, reached over the JDK's Unix domain sockets. MINA SSHD
 * speaks the agent protocol ({@link AbstractAgentProxy}); its own Unix socket client needs the
 * Tomcat native library, so only the transport is here. No agent forwarding is offered.
 */
final class AgentSocket extends AbstractAgentProxy {
    /** Far above any identity list or signature an agent sends. */
    private static final int MAX_ANSWER = 256 << 10;
    private final SocketChannel channel;

    private AgentSocket(Path socket) throws IOException {
        super(null);
        channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
    }

    static SshAgentFactory factory(Path socket) {
        return new SshAgentFactory() {
            @Override
            public List<ChannelFactory> getChannelForwardingFactories(FactoryManager manager) {
                return List.of();
            }

            @Override
            public SshAgent createClient(Session session, FactoryManager manager) throws IOException {
                return new AgentSocket(socket);
            }

            @Override
            public SshAgentServer createServer(ConnectionService service) {
                throw new UnsupportedOperationException("Lifeboat does not forward the agent");
            }
        };
    }

    /** Connects once to list the agent's keys, so that a dead or empty agent is reported up front. */
    static int keyCount(Path socket) throws IOException {
        try (AgentSocket agent = new AgentSocket(socket)) {
            int count = 0;
            for (var ignored : agent.getIdentities()) {
                count++;
            }
            return count;
        }
    }

    @Override
    protected synchronized Buffer request(Buffer buffer) throws IOException {
        ByteBuffer out = ByteBuffer.wrap(buffer.array(), buffer.rpos(), buffer.available());
        while (out.hasRemaining()) {
            channel.write(out);
        }
        int length = readFully(4).getInt();
        if (length <= 0 || length > MAX_ANSWER) {
            throw new IOException("ssh-agent sent an answer of " + length + " bytes");
        }
        return new ByteArrayBuffer(readFully(length).array());
    }

    private ByteBuffer readFully(int length) throws IOException {
        ByteBuffer in = ByteBuffer.allocate(length);
        while (in.hasRemaining()) {
            if (channel.read(in) < 0) {
                throw new EOFException("ssh-agent closed the connection");
            }
        }
        return in.flip();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        super.close();
        channel.close();
    }
}
