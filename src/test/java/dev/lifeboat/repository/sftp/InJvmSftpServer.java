package dev.lifeboat.repository.sftp;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyEncryptionContext;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.sftp.SftpModuleProperties;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;
import org.apache.sshd.sftp.server.DirectoryHandle;
import org.apache.sshd.sftp.server.FileHandle;
import org.apache.sshd.sftp.server.SftpEventListener;
import org.apache.sshd.sftp.server.SftpFileSystemAccessor;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;
import org.apache.sshd.sftp.server.SftpSubsystemProxy;

/**
 * A real SFTP server (MINA SSHD's SshServer with its SFTP subsystem) inside the test JVM, serving
 * a temp folder on 127.0.0.1. Public key login only, with a generated ed25519 key pair whose
 * private half is written as an OpenSSH key file, and a known_hosts file holding the server's
 * host key, so that {@link #env()} is all a client needs.
 *
 * <p>It behaves as OpenSSH's sftp-server on an account that is not root: a plain rename is
 * link then unlink (it never replaces the target), and the owner's permission bits are enforced
 * (the tests run as root, who would otherwise pass every check). Switches inject faults: a full
 * disk after some bytes, a stall on every request, an action once some bytes were written (such
 * as stopping the server, which kills every session), or a read whose connection is cut.
 */
public final class InJvmSftpServer implements AutoCloseable {
    public static final String USER = "lifeboat";
    private static final AtomicInteger STORES = new AtomicInteger();
    private final Path base;
    private final Path files;
    private final KeyPair hostKey;
    private final KeyPair clientKey;
    private final Path keyFile;
    private final Path knownHosts;
    private final Path home;
    private final AtomicLong spaceLeft = new AtomicLong(Long.MAX_VALUE);
    private final AtomicInteger readDirPages = new AtomicInteger();
    private final AtomicInteger syncs = new AtomicInteger();
    private final AtomicLong written = new AtomicLong();
    private volatile long actAfter = Long.MAX_VALUE;
    private volatile Runnable action = () -> { };
    private final AtomicInteger breakReads = new AtomicInteger();
    private final AtomicInteger readsBroken = new AtomicInteger();
    private volatile long breakAfter;
    private volatile Duration stall = Duration.ZERO;
    private volatile SshServer server;
    private int port;

    public InJvmSftpServer() throws Exception {
        base = Files.createTempDirectory("lifeboat-sftp-");
        files = Files.createDirectory(base.resolve("server-files"));
        home = Files.createDirectory(base.resolve("client-home"));
        hostKey = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        clientKey = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        keyFile = writeKey(base.resolve("id_ed25519"), clientKey, null);
        start(0);
        knownHosts = base.resolve("known_hosts");
        Files.writeString(knownHosts, knownHostsLine(hostKey.getPublic()) + "\n");
    }

    /** A fresh store on a fresh folder of this server: what a contract suite plugs in. */
    public SftpStore freshStore() {
        return SftpStore.open(url("store-" + STORES.incrementAndGet() + "-" + UUID.randomUUID(), "retries=1"), env(),
                PassphrasePrompt.NONE);
    }

    /** {@code sftp://lifeboat@127.0.0.1:PORT/FOLDER?options}: FOLDER relative to the login folder (the served one). */
    public String url(String folder, String... options) {
        return "sftp://" + USER + "@127.0.0.1:" + port + "/" + folder
                + (options.length == 0 ? "" : "?" + String.join("&", options));
    }

    /** What a client's environment holds: the key file, known_hosts, and an empty home folder. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(SftpIdentities.KEY_FILE, keyFile.toString());
        env.put(SftpStore.KNOWN_HOSTS, knownHosts.toString());
        env.put("HOME", home.toString());
        env.put("USER", "someone-else");
        return env;
    }

    public Path files() {
        return files;
    }

    public int port() {
        return port;
    }

    public Path knownHosts() {
        return knownHosts;
    }

    public Path keyFile() {
        return keyFile;
    }

    public PublicKey hostKey() {
        return hostKey.getPublic();
    }

    public KeyPair clientKey() {
        return clientKey;
    }

    public String knownHostsLine(PublicKey key) {
        return "[127.0.0.1]:" + port + " " + PublicKeyEntry.toString(key);
    }

    /** Writes {@code key} as an OpenSSH private key file (0600), protected when {@code passphrase} is given. */
    public static Path writeKey(Path file, KeyPair key, String passphrase) throws Exception {
        OpenSSHKeyEncryptionContext encryption = null;
        if (passphrase != null) {
            encryption = new OpenSSHKeyEncryptionContext();
            encryption.setCipherName("AES");
            encryption.setCipherMode("CTR");
            encryption.setCipherType("256");
            encryption.setPassword(passphrase);
        }
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(key, "lifeboat-test", encryption, out);
        }
        return file;
    }

    /** Every write past this many more bytes fails as a full disk does. */
    public void spaceLeft(long bytes) {
        spaceLeft.set(bytes);
    }

    /**
     * Runs {@code action} once, on a thread of its own, when more than {@code bytes} have been
     * written from now on (e.g. {@link #kill} mid-upload).
     */
    public void atWritten(long bytes, Runnable action) {
        written.set(0);
        this.action = action;
        actAfter = bytes;
    }

    /**
     * The next read of a data object (a name ending in {@code .zst}) loses its connection after
     * {@code afterBytes}: the server closes the session, as a network cut would.
     */
    public void breakNextRead(long afterBytes) {
        breakAfter = afterBytes;
        breakReads.set(1);
    }

    /** How many reads lost their connection to {@link #breakNextRead} so far. */
    public int readsBroken() {
        return readsBroken.get();
    }

    /** Every request waits this long before it is served. */
    public void stall(Duration duration) {
        stall = duration;
    }

    /** READDIR answers sent so far: more than one for a folder shows its listing came in pages. */
    public int readDirPages() {
        return readDirPages.get();
    }

    /** New sessions are offered no OpenSSH extensions (no posix-rename, no fsync), as some servers do. */
    public void withoutOpenSshExtensions() {
        SftpModuleProperties.OPENSSH_EXTENSIONS.set(server, "limits@openssh.com=1");
    }

    /** fsync requests served so far. */
    public int syncs() {
        return syncs.get();
    }

    /** Stops the server at once, closing every session: a crash as the client sees it. */
    public void kill() throws IOException {
        server.stop(true);
    }

    /** Starts it again on the same port and folder (waiting a moment for the port, which a stop may hold briefly). */
    public void restart() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                start(port);
                return;
            } catch (java.net.BindException e) {
                if (attempt == 50) {
                    throw e;
                }
                pauseFor(Duration.ofMillis(100));
            }
        }
    }

    private void start(int requestedPort) throws IOException {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(requestedPort);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setUserAuthFactories(List.of(new UserAuthPublicKeyFactory()));
        server.setPublickeyAuthenticator((user, key, session) -> USER.equals(user)
                && new KeySetPublickeyAuthenticator("test", List.of(clientKey.getPublic()))
                        .authenticate(user, key, session));
        server.setFileSystemFactory(new VirtualFileSystemFactory(files));
        SftpSubsystemFactory sftp = new SftpSubsystemFactory.Builder().withFileSystemAccessor(new Accessor()).build();
        sftp.addSftpEventListener(new SftpEventListener() {
            @Override
            public void readEntries(org.apache.sshd.server.session.ServerSession session, String remoteHandle,
                                    DirectoryHandle localHandle, Map<String, Path> entries) {
                readDirPages.incrementAndGet();
            }
        });
        server.setSubsystemFactories(List.of(sftp));
        server.start();
        port = server.getPort();
    }

    private static void pauseFor(Duration duration) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
        try (var walk = Files.walk(base)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    // A link a test planted is deleted as a link: changing its mode would change its
                    // target's (one planted at /etc/passwd made it unreadable to every other user).
                    if (!Files.isSymbolicLink(p)) {
                        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
                    }
                    Files.delete(p);
                } catch (IOException e) {
                    // a temp folder; the rest goes with the machine
                }
            });
        }
    }

    /** The local file system as a non-root OpenSSH account sees it, plus the injected faults. */
    private final class Accessor implements SftpFileSystemAccessor {
        @Override
        public Path resolveLocalFilePath(SftpSubsystemProxy subsystem, Path rootDir, String remotePath)
                throws IOException {
            pause();
            return SftpFileSystemAccessor.super.resolveLocalFilePath(subsystem, rootDir, remotePath);
        }

        @Override
        public SeekableByteChannel openFile(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file,
                                            String handle, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
                throws IOException {
            boolean writes = options.contains(StandardOpenOption.WRITE) || options.contains(StandardOpenOption.APPEND);
            if (writes && !Files.exists(file)) {
                requireOwner(file.getParent(), PosixFilePermission.OWNER_WRITE);
            } else {
                requireOwner(file, writes ? PosixFilePermission.OWNER_WRITE : PosixFilePermission.OWNER_READ);
            }
            SeekableByteChannel channel = SftpFileSystemAccessor.super.openFile(subsystem, fileHandle, file, handle,
                    options, attrs);
            if (writes) {
                return new Metered(channel);
            }
            boolean breaks = file.getFileName().toString().endsWith(".zst")
                    && breakReads.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
            return breaks ? new Breaking(channel, breakAfter, subsystem.getServerSession(), readsBroken) : channel;
        }

        @Override
        public void syncFileData(SftpSubsystemProxy subsystem, FileHandle fileHandle, Path file, String handle,
                                 java.nio.channels.Channel channel) throws IOException {
            SftpFileSystemAccessor.super.syncFileData(subsystem, fileHandle, file, handle,
                    channel instanceof Forwarding forwarding ? forwarding.channel : channel);
            syncs.incrementAndGet();
        }

        @Override
        public java.nio.file.DirectoryStream<Path> openDirectory(SftpSubsystemProxy subsystem,
                DirectoryHandle dirHandle, Path dir, String handle, java.nio.file.LinkOption... linkOptions)
                throws IOException {
            requireOwner(dir, PosixFilePermission.OWNER_READ);
            return SftpFileSystemAccessor.super.openDirectory(subsystem, dirHandle, dir, handle, linkOptions);
        }

        @Override
        public void createDirectory(SftpSubsystemProxy subsystem, Path path) throws IOException {
            requireOwner(path.getParent(), PosixFilePermission.OWNER_WRITE);
            SftpFileSystemAccessor.super.createDirectory(subsystem, path);
        }

        @Override
        public void removeFile(SftpSubsystemProxy subsystem, Path path, boolean isDirectory) throws IOException {
            requireOwner(path.getParent(), PosixFilePermission.OWNER_WRITE);
            SftpFileSystemAccessor.super.removeFile(subsystem, path, isDirectory);
        }

        /** A plain SFTP rename as OpenSSH does it: link, then unlink, so an existing target is never replaced. */
        @Override
        public void renameFile(SftpSubsystemProxy subsystem, Path oldPath, Path newPath,
                               Collection<java.nio.file.CopyOption> opts)
                throws IOException {
            requireOwner(oldPath.getParent(), PosixFilePermission.OWNER_WRITE);
            requireOwner(newPath.getParent(), PosixFilePermission.OWNER_WRITE);
            if (opts.contains(StandardCopyOption.REPLACE_EXISTING)) {
                SftpFileSystemAccessor.super.renameFile(subsystem, oldPath, newPath, opts);
                return;
            }
            Files.createLink(newPath, oldPath);
            Files.delete(oldPath);
        }

        private void requireOwner(Path path, PosixFilePermission needed) throws IOException {
            if (path != null && Files.exists(path)
                    && !Files.getPosixFilePermissions(path).contains(needed)) {
                throw new AccessDeniedException(path.toString());
            }
        }

        private void pause() throws IOException {
            pauseFor(stall);
        }
    }

    /** Counts written bytes against the space left; past it, a write fails as ENOSPC does. */
    private final class Metered extends Forwarding {
        Metered(SeekableByteChannel channel) {
            super(channel);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (spaceLeft.addAndGet(-src.remaining()) < 0) {
                throw new SftpException(SftpConstants.SSH_FX_NO_SPACE_ON_FILESYSTEM, "No space left on device");
            }
            if (written.addAndGet(src.remaining()) > actAfter) {
                actAfter = Long.MAX_VALUE;
                new Thread(action, "sftp-test-action").start();
            }
            return channel.write(src);
        }
    }

    /** Serves {@code limit} bytes of a file, then closes the whole session, as a cut connection does. */
    private static final class Breaking extends Forwarding {
        private final long limit;
        private final org.apache.sshd.server.session.ServerSession session;
        private final AtomicInteger broken;
        private long served;

        Breaking(SeekableByteChannel channel, long limit, org.apache.sshd.server.session.ServerSession session,
                 AtomicInteger broken) {
            super(channel);
            this.limit = limit;
            this.session = session;
            this.broken = broken;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (served >= limit) {
                if (session.isOpen()) {
                    broken.incrementAndGet();
                }
                session.close(true);
                throw new IOException("injected break");
            }
            ByteBuffer part = dst.slice().limit((int) Math.min(dst.remaining(), limit - served));
            int n = channel.read(part);
            if (n > 0) {
                dst.position(dst.position() + n);
                served += n;
            }
            return n;
        }
    }

    /** A file's channel, passed through. */
    private abstract static class Forwarding implements SeekableByteChannel {
        final SeekableByteChannel channel;

        Forwarding(SeekableByteChannel channel) {
            this.channel = channel;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return channel.read(dst);
        }

        @Override
        public long position() throws IOException {
            return channel.position();
        }

        @Override
        public SeekableByteChannel position(long newPosition) throws IOException {
            channel.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return channel.size();
        }

        @Override
        public SeekableByteChannel truncate(long size) throws IOException {
            channel.truncate(size);
            return this;
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
