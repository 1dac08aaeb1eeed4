package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.DurableFiles;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClient.Attributes;
import org.apache.sshd.sftp.client.SftpClient.CloseableHandle;
import org.apache.sshd.sftp.common.SftpConstants;
import org.apache.sshd.sftp.common.SftpException;

/**
 * Objects as files under a folder of an SFTP server ({@link SftpLocation}), one connection per
 * store, reconnected when it breaks. Guarantees:
 * <ul>
 * <li>a committed put appears atomically: it is written to a private temp file beside the key,
 *     forced to disk ({@code fsync@openssh.com}) and renamed over the key
 *     ({@code posix-rename@openssh.com}); readers see the old object or the whole new one;</li>
 * <li>{@link #putIfAbsent} is a true conditional create on servers whose plain SFTP rename never
 *     replaces its target, as the protocol requires and OpenSSH does (link, then unlink): the
 *     complete temp is renamed to the key, and of two racing callers only one rename succeeds;</li>
 * <li>read-after-write: one server folder, so a finished put is seen by the next call;</li>
 * <li>temp files ({@code .tmp-PID-RANDOM-NAME}) are never listed or stat'ed; a killed writer's are
 *     found by {@link #leftovers}; files are created 0600 and folders 0700; folders left empty by a
 *     delete are removed, so a listing never walks a tree of empty folders.</li>
 * </ul>
 * Reads, listings, deletes and the start of a put are retried after a broken connection; bytes
 * already handed to a put's stream are not (the whole transfer is retried above).
 */
public final class SftpStore implements Store, Leftovers {
    public static final String KNOWN_HOSTS = "LIFEBOAT_SFTP_KNOWN_HOSTS";
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();
    private final SftpLocation location;
    private final SftpConnector connector;
    private final Duration firstPause;
    private SftpConnection current;

    SftpStore(SftpLocation location, SftpConnector connector, Duration firstPause) {
        this.location = location;
        this.connector = connector;
        this.firstPause = firstPause;
    }

    /** Opens {@code sftp://...} with keys and known_hosts from {@code env}; a passphrase may be asked on the terminal. */
    public static SftpStore open(String spec, Map<String, String> env) {
        return open(spec, env, PassphrasePrompt.TERMINAL);
    }

    public static SftpStore open(String spec, Map<String, String> env, PassphrasePrompt prompt) {
        return open(spec, env, prompt, FIRST_PAUSE);
    }

    /** @param firstPause the wait before the first retry; each further one waits twice as long */
    static SftpStore open(String spec, Map<String, String> env, PassphrasePrompt prompt, Duration firstPause) {
        SftpLocation location = SftpLocation.parse(spec, env.getOrDefault("USER", System.getProperty("user.name")));
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        Path knownHosts = Path.of(env.getOrDefault(KNOWN_HOSTS, home + "/.ssh/known_hosts"));
        SftpIdentities identities = SftpIdentities.resolve(location, env, prompt);
        return new SftpStore(location, new SftpConnector(location, new HostKeyCheck(location, knownHosts), identities),
                firstPause);
    }

    @Override
    public String location() {
        return location.toString();
    }

    @Override
    public Pending put(String key, long length) throws IOException {
        checkObjectKey(key);
        return call("writing " + key, c -> SftpUpload.start(location, c, key, tempKey(key), length));
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
        checkObjectKey(key);
        AtomicBoolean again = new AtomicBoolean();
        return call("creating " + key, c -> createOnce(c, key, content, again.getAndSet(true)));
    }

    /**
     * @param again a retry after a broken connection: an object with exactly these bytes is then
     *              this call's own rename whose answer was lost
     */
    private boolean createOnce(SftpConnection c, String key, byte[] content, boolean again) throws IOException {
        SftpClient sftp = c.sftp();
        String path = location.path(key);
        if (RemoteFiles.lstat(sftp, path).isPresent()) {
            return again && Arrays.equals(RemoteFiles.readUpTo(sftp, path, content.length + 1), content);
        }
        String temp = location.path(tempKey(key));
        try {
            try (CloseableHandle handle = RemoteFiles.createNew(sftp, temp, location.path(""))) {
                RemoteFiles.writeAll(sftp, handle, content);
                RemoteFiles.fsyncIfOffered(c, handle);
            }
            sftp.rename(temp, path);
            return true;
        } catch (SftpException e) {
            RemoteFiles.removeQuietly(sftp, temp);
            if (RemoteFiles.lstat(sftp, path).isPresent()) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public InputStream open(String key, long offset) throws IOException {
        checkKey(key);
        return call("reading " + key, c -> openAt(c, key, offset, Optional.empty()))
                .orElseThrow(() -> new NoSuchFileException(location + " " + key));
    }

    /** @param same when resuming: the attributes the object must still have */
    private Optional<InputStream> openAt(SftpConnection c, String key, long offset, Optional<Attributes> same)
            throws IOException {
        Optional<Attributes> found = plainFile(c.sftp(), key);
        if (found.isEmpty() || same.isPresent() && !sameObject(found.get(), same.get())) {
            return Optional.empty();
        }
        InputStream in = c.sftp().read(location.path(key), SftpClient.IO_BUFFER_SIZE);
        in.skip(offset);
        return Optional.of(new ResumingRead(location, key, in, offset, position -> call("reading " + key,
                again -> openAt(again, key, position, found))));
    }

    @Override
    public Optional<byte[]> readSmall(String key, int limit) throws IOException {
        checkKey(key);
        return call("reading " + key, c -> {
            Optional<Attributes> found = plainFile(c.sftp(), key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            if (found.get().getSize() > limit) {
                throw tooLarge(key, limit);
            }
            byte[] bytes;
            try {
                bytes = RemoteFiles.readUpTo(c.sftp(), location.path(key), limit + 1);
            } catch (SftpException e) {
                if (SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE)) {
                    return Optional.empty();
                }
                throw e;
            }
            if (bytes.length > limit) {
                throw tooLarge(key, limit);
            }
            return Optional.of(bytes);
        });
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        checkKey(key);
        return call("checking " + key, c -> plainFile(c.sftp(), key).map(a -> stored(key, a)));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        checkPrefix(prefix);
        return call("listing " + (prefix.isEmpty() ? "the repository" : prefix),
                c -> new SftpListing(location, c.sftp(), false).under(prefix));
    }

    @Override
    public List<StoredObject> leftovers(String prefix) throws IOException {
        checkPrefix(prefix);
        return call("listing leftovers under " + (prefix.isEmpty() ? "the repository" : prefix),
                c -> new SftpListing(location, c.sftp(), true).under(prefix));
    }

    @Override
    public void delete(String key) throws IOException {
        checkKey(key);
        call("deleting " + key, c -> {
            try {
                c.sftp().remove(location.path(key));
            } catch (SftpException e) {
                if (!SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH)) {
                    throw e;
                }
            }
            pruneEmptyFolders(c.sftp(), key);
            return null;
        });
    }

    /** Removes the folders of {@code key} below the root that are now empty; the first that is not stops it. */
    private void pruneEmptyFolders(SftpClient sftp, String key) {
        for (String dir = RemoteFiles.parent(key); !dir.isEmpty(); dir = RemoteFiles.parent(dir)) {
            try {
                sftp.rmdir(location.path(dir));
            } catch (IOException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (current != null) {
                current.close();
                current = null;
            }
        }
        connector.close();
    }

    /** A key that is a regular file: empty when missing or a folder; a link or device is refused. */
    private Optional<Attributes> plainFile(SftpClient sftp, String key) throws IOException {
        if (isTemp(key)) {
            return Optional.empty();
        }
        Optional<Attributes> found = RemoteFiles.lstat(sftp, location.path(key));
        if (found.isPresent() && !found.get().isRegularFile() && !found.get().isDirectory()) {
            throw new LifeboatException(ExitCode.REPOSITORY, key + " in " + location + " is a link or a special file,"
                    + " which Lifeboat never writes; remove it on the server (someone with write access to the"
                    + " repository may have planted it)");
        }
        return found.filter(Attributes::isRegularFile);
    }

    static StoredObject stored(String key, Attributes attributes) {
        return new StoredObject(key, attributes.getSize(), attributes.getModifyTime().toInstant());
    }

    private static boolean sameObject(Attributes now, Attributes then) {
        return now.getSize() == then.getSize() && now.getModifyTime().equals(then.getModifyTime());
    }

    private LifeboatException tooLarge(String key, int limit) {
        return new LifeboatException(ExitCode.REPOSITORY, key + " in " + location + " is larger than the " + limit
                + " bytes any such file Lifeboat writes has; it is not Lifeboat's, remove it on the server");
    }

    /** One store call on the current connection; after a broken connection, a new one and again. */
    <T> T call(String action, SftpCall<T> call) throws IOException {
        for (int attempt = 0; ; attempt++) {
            SftpConnection connection = null;
            try {
                connection = connection();
                return call.on(connection);
            } catch (IOException e) {
                if (!SftpErrors.isTransient(e)) {
                    throw SftpErrors.map(location, action, e);
                }
                // A request that timed out may still be answered; a new connection starts clean.
                drop(connection);
                if (e.getClass() == InterruptedIOException.class || attempt >= location.retries()) {
                    throw SftpErrors.map(location, action, e);
                }
                pause(attempt);
            }
        }
    }

    @FunctionalInterface
    interface SftpCall<T> {
        T on(SftpConnection connection) throws IOException;
    }

    private synchronized SftpConnection connection() throws IOException {
        if (current == null || !current.isOpen()) {
            if (current != null) {
                current.close();
            }
            current = connector.connect();
        }
        return current;
    }

    private synchronized void drop(SftpConnection connection) {
        if (connection != null) {
            connection.close();
            if (current == connection) {
                current = null;
            }
        }
    }

    private void pause(int attempt) throws InterruptedIOException {
        Duration pause = firstPause.multipliedBy(1L << Math.min(attempt, 10));
        try {
            Thread.sleep(Math.min(pause.toMillis(), LONGEST_PAUSE.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between retries");
        }
    }

    /** {@code dir/.tmp-PID-RANDOM-name}: whose it was and what it was for, as file repositories name temps. */
    private static String tempKey(String key) {
        byte[] random = new byte[4];
        RANDOM.nextBytes(random);
        int slash = key.lastIndexOf('/');
        return key.substring(0, slash + 1) + DurableFiles.TEMP_PREFIX + ProcessHandle.current().pid() + "-"
                + HexFormat.of().formatHex(random) + "-" + key.substring(slash + 1);
    }

    static boolean isTemp(String key) {
        return key.substring(key.lastIndexOf('/') + 1).startsWith(DurableFiles.TEMP_PREFIX);
    }

    private static void checkObjectKey(String key) {
        checkKey(key);
        if (isTemp(key)) {
            throw new IllegalArgumentException("a key may not be named like a temp file: " + key);
        }
    }

    static void checkKey(String key) {
        if (key.isEmpty() || key.endsWith("/")) {
            throw new IllegalArgumentException("not an object key: '" + key + "'");
        }
        checkPrefix(key);
    }

    /** A prefix may end in a slash (a folder) or part-way into a name; it may not climb out. */
    static void checkPrefix(String prefix) {
        String[] segments = prefix.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (prefix.startsWith("/") || segment.equals(".") || segment.equals("..")
                    || segment.isEmpty() && !last || segment.indexOf('\0') >= 0 || segment.indexOf('\\') >= 0) {
                throw new IllegalArgumentException("not a key or prefix: '" + prefix + "'");
            }
        }
    }
}
