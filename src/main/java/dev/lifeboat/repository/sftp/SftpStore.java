package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.store.FolderListing;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Keys;
import dev.lifeboat.repository.store.ResumingRead;
import dev.lifeboat.repository.store.Store;
import dev.lifeboat.repository.store.TempNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * <li>temp files ({@code .tmp-PID-RANDOM-NAME}, {@link TempNames}) are never listed or stat'ed; a
 *     killed writer's are found by {@link #unfinished}; files are created 0600 and folders 0700;
 *     folders left empty by a delete are removed (but for the top-level {@code backups/} and
 *     {@code locks/}), so a listing never walks a tree of empty folders;</li>
 * <li>no link is followed: links are listed as foreign, reading one is refused, and a key whose
 *     folders inside the repository are links is refused ({@link RealFolders}).</li>
 * </ul>
 * Reads, listings, deletes and the start of a put are retried after a broken connection; bytes
 * already handed to a put's stream are not (the whole transfer is retried above).
 */
public final class SftpStore implements Store {
    public static final String KNOWN_HOSTS = "LIFEBOAT_SFTP_KNOWN_HOSTS";
    private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
    private final SftpLocation location;
    private final Reconnecting calls;
    private final RealFolders real;
    /** Whether the root was missing at this store's first write, so {@link #removeIfEmpty} may remove it. */
    private volatile Boolean rootCreated;

    SftpStore(SftpLocation location, Reconnecting calls) {
        this.location = location;
        this.calls = calls;
        this.real = new RealFolders(location);
    }

    /** Opens {@code sftp://...} with keys and known_hosts from {@code env}; a passphrase may be asked for. */
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
        SftpConnector connector = new SftpConnector(location, new HostKeyCheck(location, knownHosts), identities);
        return new SftpStore(location, new Reconnecting(location, connector, firstPause));
    }

    /**
     * The variable holding the secret an {@code sftp://} repository reads: the key's passphrase. The
     * key file's path and the agent's socket are not secrets (a hook may need the agent to reach
     * another host over SSH); the key file itself is private to its owner.
     */
    public static Set<String> secretVariables(String spec) {
        return Set.of(SftpIdentities.PASSPHRASE);
    }

    @Override
    public String location() {
        return location.toString();
    }

    @Override
    public Pending put(String key, long length) throws IOException {
        TempNames.requireNotTemp(key);
        return calls.call("writing " + key, c -> {
            writing(c, key);
            return SftpUpload.start(location, c, key, TempNames.beside(key), length);
        });
    }

    @Override
    public boolean putIfAbsent(String key, byte[] content) throws IOException {
        TempNames.requireNotTemp(key);
        AtomicBoolean again = new AtomicBoolean();
        return calls.call("creating " + key, c -> {
            writing(c, key);
            return createOnce(c, key, content, again.getAndSet(true));
        });
    }

    /** Before a write: no link on the way, and whether the root is there yet. */
    private void writing(SftpConnection c, String key) throws IOException {
        real.require(c.sftp(), key);
        if (rootCreated == null) {
            rootCreated = RemoteFiles.stat(c.sftp(), location.path("")).isEmpty();
        }
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
        String temp = location.path(TempNames.beside(key));
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
        Keys.require(key);
        Opened first = calls.call("reading " + key, c -> openAt(c, key, offset, Optional.empty()))
                .orElseThrow(() -> new NoSuchFileException(location + " " + key));
        return new ResumingRead(first.in(), offset, location.retries(),
                position -> calls.call("reading " + key, c -> openAt(c, key, position, Optional.of(first.attributes())))
                        .map(Opened::in), new ResumingRead.Failures() {
                    @Override
                    public boolean mayPass(IOException e) {
                        return SftpErrors.isTransient(e);
                    }

                    @Override
                    public RuntimeException gaveUp(IOException e, long position) {
                        return SftpErrors.map(location, "reading " + key + " at byte " + position, e);
                    }

                    @Override
                    public RuntimeException gone(long position) {
                        return new LifeboatException(ExitCode.INTEGRITY, key + " was removed or replaced in " + location
                                + " while it was read; run 'lifeboat verify all' on that repository");
                    }
                });
    }

    private record Opened(InputStream in, Attributes attributes) {
    }

    /** @param same when resuming: the attributes the object must still have to be the same object */
    private Optional<Opened> openAt(SftpConnection c, String key, long offset, Optional<Attributes> same)
            throws IOException {
        Optional<Attributes> found = plainFile(c.sftp(), key);
        if (found.isEmpty() || same.isPresent() && !sameObject(found.get(), same.get())) {
            return Optional.empty();
        }
        InputStream in = c.sftp().read(location.path(key), SftpClient.IO_BUFFER_SIZE);
        in.skip(offset); // the first skip only moves where the pipelined reads start
        return Optional.of(new Opened(in, found.get()));
    }

    @Override
    public Optional<byte[]> readSmall(String key, int limit) throws IOException {
        Keys.require(key);
        return calls.call("reading " + key, c -> {
            Optional<Attributes> found = plainFile(c.sftp(), key);
            if (found.isEmpty()) {
                return Optional.empty();
            }
            if (found.get().getSize() > limit) {
                throw ForeignObject.tooLarge(key, limit);
            }
            try {
                return Optional.of(ForeignObject.requireWithin(RemoteFiles.readUpTo(c.sftp(), location.path(key),
                        limit + 1), limit, key));
            } catch (SftpException e) {
                if (SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE)) {
                    return Optional.empty();
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<StoredObject> stat(String key) throws IOException {
        Keys.require(key);
        return calls.call("checking " + key, c -> plainFile(c.sftp(), key)
                .map(a -> new StoredObject(key, a.getSize(), SftpFolders.modified(a))));
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return listing("listing " + (prefix.isEmpty() ? "the repository" : prefix), prefix).objects();
    }

    /**
     * The temp files of puts that never finished. Their pid is another host's as often as not, so
     * none is given: the repository layer judges them by their backup's owner, or by age.
     */
    @Override
    public List<Unfinished> unfinished(String prefix) throws IOException {
        return listing("listing leftovers under " + (prefix.isEmpty() ? "the repository" : prefix), prefix)
                .unfinished();
    }

    private FolderListing listing(String action, String prefix) throws IOException {
        Keys.requirePrefix(prefix);
        return calls.call(action, c -> {
            real.require(c.sftp(), prefix);
            return FolderListing.of(new SftpFolders(location, c.sftp()), prefix, false);
        });
    }

    /** The names in the repository's folder (temps aside), folders and links included, without walking them. */
    @Override
    public List<String> topLevel() throws IOException {
        return calls.call("listing the repository", c -> new SftpFolders(location, c.sftp()).entries("")
                .stream().map(FolderListing.Entry::name).filter(n -> !TempNames.isTemp(n)).sorted().toList());
    }

    @Override
    public void abort(Unfinished put) throws IOException {
        delete(put.id());
    }

    @Override
    public void delete(String key) throws IOException {
        Keys.require(key);
        calls.call("deleting " + key, c -> {
            real.require(c.sftp(), key);
            try {
                c.sftp().remove(location.path(key));
            } catch (SftpException e) {
                if (!SftpErrors.isStatus(e, SftpConstants.SSH_FX_NO_SUCH_FILE, SftpConstants.SSH_FX_NO_SUCH_PATH)) {
                    throw e;
                }
            }
            for (String folder : Keys.prunableFolders(key)) {
                if (!RemoteFiles.removeEmptyFolder(c.sftp(), location.path(folder))) {
                    break;
                }
            }
            return null;
        });
    }

    /**
     * Removes the top-level folders left empty (a failed first backup's {@code backups/} and
     * {@code locks/}), and the root itself when this store's first write had to make it.
     */
    @Override
    public void removeIfEmpty() throws IOException {
        calls.call("removing the empty repository", c -> {
            for (FolderListing.Entry entry : new SftpFolders(location, c.sftp()).entries("")) {
                if (entry.kind() == FolderListing.Kind.FOLDER) {
                    RemoteFiles.removeEmptyFolder(c.sftp(), location.path(entry.name()));
                }
            }
            if (Boolean.TRUE.equals(rootCreated)) {
                RemoteFiles.removeEmptyFolder(c.sftp(), location.path(""));
            }
            return null;
        });
    }

    @Override
    public void close() {
        calls.close();
    }

    /** A key that is a regular file, or empty when missing (temps are never objects); anything else is refused. */
    private Optional<Attributes> plainFile(SftpClient sftp, String key) throws IOException {
        if (TempNames.isTemp(key)) {
            return Optional.empty();
        }
        real.require(sftp, key);
        Optional<Attributes> found = RemoteFiles.lstat(sftp, location.path(key));
        if (found.isPresent() && !found.get().isRegularFile()) {
            throw found.get().isSymbolicLink() ? ForeignObject.link(key) : ForeignObject.notAFile(key);
        }
        return found;
    }

    private static boolean sameObject(Attributes now, Attributes then) {
        return now.getSize() == then.getSize() && Objects.equals(now.getModifyTime(), then.getModifyTime());
    }
}
