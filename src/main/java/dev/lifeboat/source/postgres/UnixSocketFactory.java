package dev.lifeboat.source.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import javax.net.SocketFactory;

/**
 * Lets the JDBC driver reach a server through its unix socket, as pg_dump does, with the JDK's
 * own unix-domain channels. The driver creates it by name with the socket file's path
 * ({@code socketFactory} / {@code socketFactoryArg} connection properties), so it must be public.
 */
public final class UnixSocketFactory extends SocketFactory {
    private final Path socketFile;

    public UnixSocketFactory(String socketFile) {
        this.socketFile = Path.of(socketFile);
    }

    @Override
    public Socket createSocket() {
        return new UnixSocket(socketFile);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected();
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return connected();
    }

    private Socket connected() throws IOException {
        Socket socket = createSocket();
        socket.connect(null, 0);
        return socket;
    }

    /** A java.net.Socket face on a unix-domain SocketChannel; TCP options do not apply and are ignored. */
    private static final class UnixSocket extends Socket {
        private final Path socketFile;
        private SocketChannel channel;
        private InputStream in;
        private OutputStream out;

        UnixSocket(Path socketFile) {
            this.socketFile = socketFile;
        }

        @Override
        public void connect(SocketAddress ignored, int timeout) throws IOException {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(socketFile));
            } catch (IOException e) {
                channel.close();
                throw new java.net.ConnectException(socketFile + ": " + e.getMessage());
            }
            in = Channels.newInputStream(channel);
            out = Channels.newOutputStream(channel);
        }

        @Override
        public void connect(SocketAddress endpoint) throws IOException {
            connect(endpoint, 0);
        }

        @Override
        public InputStream getInputStream() throws IOException {
            requireConnected();
            return in;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            requireConnected();
            return out;
        }

        private void requireConnected() throws SocketException {
            if (channel == null || !channel.isOpen()) {
                throw new SocketException("not connected to " + socketFile);
            }
        }

        @Override
        public boolean isConnected() {
            return channel != null && channel.isConnected();
        }

        @Override
        public boolean isClosed() {
            return channel != null && !channel.isOpen();
        }

        @Override
        public synchronized void close() throws IOException {
            if (channel != null) {
                channel.close();
            }
        }

        @Override
        public void setTcpNoDelay(boolean on) {
        }

        @Override
        public void setKeepAlive(boolean on) {
        }

        @Override
        public synchronized void setSoTimeout(int timeout) {
        }

        @Override
        public synchronized int getSoTimeout() {
            return 0;
        }

        @Override
        public synchronized void setReceiveBufferSize(int size) {
        }

        @Override
        public synchronized void setSendBufferSize(int size) {
        }
    }
}
