package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.BackupIds;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A repository in a local folder, laid out as {@code backups/ID/manifest.json} beside the data
 * object. While a backup is written its folder holds an owner marker; leftovers of dead owners
 * are removed by the next run.
 */
public final class FileRepository implements Repository {
    static final String MANIFEST = "manifest.json";
    static final String OWNER = ".owner";
    private final Path root;
    private final FileLocks locks;

    public FileRepository(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.locks = new FileLocks(this.root.resolve("locks"), this.root.toString(), java.time.Clock.systemUTC());
    }

    @Override
    public String location() {
        return root.toString();
    }

    private Path backups() {
        return root.resolve("backups");
    }

    private Path backupDir(String backupId) {
        if (!BackupIds.isValid(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + backupId);
        }
        return backups().resolve(backupId);
    }

    @Override
    public Upload startUpload(String backupId, String objectName) throws IOException {
        try {
            ensureCreated();
            Path dir = backupDir(backupId);
            DurableFiles.createPrivateDirectories(dir);
            DurableFiles.writeAtomically(dir.resolve(OWNER),
                    ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8));
            return new FileUpload(dir, dir.resolve(objectName), Optional.empty());
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    private void ensureCreated() throws IOException {
        Path descriptor = root.resolve(RepositoryDescriptor.FILE_NAME);
        if (Files.exists(descriptor)) {
            readDescriptor(descriptor);
            return;
        }
        if (Files.isDirectory(root)) {
            try (Stream<Path> entries = Files.list(root)) {
                if (entries.findAny().isPresent()) {
                    throw new LifeboatException(ExitCode.REPOSITORY, root + " is not empty and is not a Lifeboat"
                            + " repository (no " + RepositoryDescriptor.FILE_NAME + "); choose a new or empty folder");
                }
            }
        } else if (Files.exists(root)) {
            throw new LifeboatException(ExitCode.REPOSITORY, root + " is a file, not a folder; choose a folder"
                    + " for the repository");
        }
        DurableFiles.createPrivateDirectories(backups());
        RepositoryDescriptor created = new RepositoryDescriptor(RepositoryDescriptor.KIND,
                RepositoryDescriptor.FORMAT, UUID.randomUUID().toString(), Instant.now(), null);
        DurableFiles.writeAtomically(descriptor, Json.write(created));
    }

    @Override
    public Upload startReplacement(Manifest existing, String newObjectName) throws IOException {
        requireExisting();
        Path dir = backupDir(existing.id());
        if (!Files.exists(dir.resolve(MANIFEST)) || newObjectName.equals(existing.object())) {
            throw new IllegalArgumentException("replacement needs an existing backup and a new object name");
        }
        return new FileUpload(dir, dir.resolve(newObjectName), Optional.of(dir.resolve(existing.object())));
    }

    @Override
    public Optional<Manifest.EncryptionInfo> pinnedEncryption() throws IOException {
        Path descriptor = root.resolve(RepositoryDescriptor.FILE_NAME);
        return Files.exists(descriptor) ? Optional.ofNullable(readDescriptor(descriptor).pinnedEncryption())
                : Optional.empty();
    }

    @Override
    public void pinEncryption(Manifest.EncryptionInfo encryption) throws IOException {
        try {
            ensureCreated();
            Path descriptor = root.resolve(RepositoryDescriptor.FILE_NAME);
            RepositoryDescriptor d = readDescriptor(descriptor);
            DurableFiles.writeAtomically(descriptor, Json.write(new RepositoryDescriptor(d.kind(), d.format(), d.id(),
                    d.createdAt(), encryption)));
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    private RepositoryDescriptor readDescriptor(Path descriptor) throws IOException {
        RepositoryDescriptor found = Json.read(Files.readAllBytes(descriptor), RepositoryDescriptor.class);
        if (!RepositoryDescriptor.KIND.equals(found.kind()) || found.format() > RepositoryDescriptor.FORMAT) {
            throw new LifeboatException(ExitCode.REPOSITORY, root + " has repository format " + found.format()
                    + ", newer than this Lifeboat understands; upgrade Lifeboat");
        }
        return found;
    }

    private void requireExisting() throws IOException {
        Path descriptor = root.resolve(RepositoryDescriptor.FILE_NAME);
        if (!Files.exists(descriptor)) {
            throw new LifeboatException(ExitCode.NOT_FOUND, "no Lifeboat repository at " + root
                    + "; check the --repo path (a repository is created by the first backup)");
        }
        readDescriptor(descriptor);
    }

    @Override
    public List<Manifest> manifests() throws IOException {
        requireExisting();
        List<Manifest> found = new ArrayList<>();
        for (Path dir : backupDirs()) {
            Path manifest = dir.resolve(MANIFEST);
            if (Files.exists(manifest)) {
                found.add(readManifest(manifest));
            }
        }
        found.sort(Manifest.OLDEST_FIRST);
        return found;
    }

    private List<Path> backupDirs() throws IOException {
        if (!Files.isDirectory(backups())) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(backups())) {
            return dirs.filter(d -> BackupIds.isValid(d.getFileName().toString())).sorted().toList();
        }
    }

    private Manifest readManifest(Path manifest) throws IOException {
        try {
            return Json.read(Files.readAllBytes(manifest), Manifest.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw LifeboatException.integrity("manifest " + manifest + " is damaged (" + e.getOriginalMessage()
                    + "); move that backup folder aside and run 'lifeboat verify all'");
        }
    }

    @Override
    public Optional<Manifest> manifest(String backupId) throws IOException {
        requireExisting();
        if (!BackupIds.isValid(backupId)) {
            return Optional.empty();
        }
        Path manifest = backupDir(backupId).resolve(MANIFEST);
        return Files.exists(manifest) ? Optional.of(readManifest(manifest)) : Optional.empty();
    }

    @Override
    public InputStream openObject(Manifest manifest) throws IOException {
        Path object = backupDir(manifest.id()).resolve(manifest.object());
        try {
            return Files.newInputStream(object);
        } catch (NoSuchFileException e) {
            throw LifeboatException.integrity("the data object of backup " + manifest.id() + " is missing from "
                    + root + "; restore an older backup and run 'lifeboat verify all'");
        }
    }

    @Override
    public void putRecord(String backupId, String recordName, byte[] content) throws IOException {
        try {
            DurableFiles.writeAtomically(backupDir(backupId).resolve(recordName), content);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public List<byte[]> records(String backupId, String prefix) throws IOException {
        requireExisting();
        List<byte[]> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(backupDir(backupId))) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList()) {
                records.add(Files.readAllBytes(file));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return records;
    }

    @Override
    public void delete(Manifest manifest) throws IOException {
        Path dir = backupDir(manifest.id());
        try {
            // The owner mark makes a delete cut short look like a dead writer's leftover, which the next run removes.
            DurableFiles.writeAtomically(dir.resolve(OWNER),
                    ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8));
            Files.delete(dir.resolve(MANIFEST));
            DurableFiles.syncDirectory(dir);
            deleteTree(dir);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public RepositoryLock lock(String scope, String purpose) throws IOException {
        try {
            if (!Files.exists(root.resolve(RepositoryDescriptor.FILE_NAME))) {
                return RepositoryLock.notNeeded();
            }
            return locks.lock(scope, purpose);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public RepositoryLock markInUse(String backupId, String purpose) throws IOException {
        try {
            return locks.markInUse(backupId, purpose);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public java.util.Set<String> backupsInUse() throws IOException {
        return locks.inUse();
    }

    @Override
    public List<String> unlock(Optional<String> scope) throws IOException {
        requireExisting();
        return locks.unlock(scope);
    }

    @Override
    public List<String> incompleteBackups() throws IOException {
        requireExisting();
        List<String> incomplete = new ArrayList<>();
        for (Path dir : backupDirs()) {
            if (!Files.exists(dir.resolve(MANIFEST)) && !ownedByLiveProcess(dir)) {
                incomplete.add(dir.getFileName().toString());
            }
        }
        return incomplete;
    }

    private static boolean ownedByLiveProcess(Path dir) throws IOException {
        Optional<ProcessOwner> owner = owner(dir);
        return owner.isPresent() && !owner.get().isDeadOnThisHost();
    }

    private static Optional<ProcessOwner> owner(Path dir) throws IOException {
        try {
            return ProcessOwner.parse(Files.readString(dir.resolve(OWNER)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public int removeLeftovers() throws IOException {
        if (!Files.exists(root.resolve(RepositoryDescriptor.FILE_NAME))) {
            return 0;
        }
        // Marks of killed readers, and temps of killed descriptor writes (a rekey's pin), go with the rest.
        int removed = locks.removeStaleInUse() + removeDeadTemps(root);
        for (Path dir : backupDirs()) {
            Optional<ProcessOwner> owner = owner(dir);
            boolean deadOwner = owner.isPresent() && owner.get().isDeadOnThisHost();
            if (deadOwner && !Files.exists(dir.resolve(MANIFEST))) {
                removed += deleteTree(dir);
                continue;
            }
            removed += removeDeadTemps(dir);
            removed += removeReplacedObjects(dir);
            if (deadOwner) {
                Files.deleteIfExists(dir.resolve(OWNER));
            }
        }
        return removed;
    }

    /**
     * An object that its manifest no longer names, left by a re-encryption cut short between
     * writing the new manifest and deleting the old object. The age guard keeps a replacement
     * being committed right now out of reach.
     */
    private int removeReplacedObjects(Path dir) throws IOException {
        Path manifestFile = dir.resolve(MANIFEST);
        if (!Files.exists(manifestFile)) {
            return 0;
        }
        String current = readManifest(manifestFile).object();
        java.time.Instant hourAgo = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String fileName = file.getFileName().toString();
                if (fileName.startsWith("snapshot") && !fileName.equals(current)
                        && Files.getLastModifiedTime(file).toInstant().isBefore(hourAgo)) {
                    Files.deleteIfExists(file);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static int removeDeadTemps(Path dir) throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                long pid = DurableFiles.tempOwnerPid(file);
                if (pid > 0 && ProcessOwner.isGone(pid)) {
                    Files.deleteIfExists(file);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static int deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
        DurableFiles.syncDirectory(dir.getParent());
        return 1;
    }

    /** Reads a replacement object back before its manifest makes it the backup's only copy. */
    private void requireStoredAsDescribed(Path file, Manifest manifest) throws IOException {
        java.security.MessageDigest sha = sha256();
        long size = 0;
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) >= 0; size += n) {
                sha.update(buffer, 0, n);
            }
        }
        if (size != manifest.seal().storedSize()
                || !java.util.HexFormat.of().formatHex(sha.digest()).equals(manifest.seal().storedSha256())) {
            throw LifeboatException.integrity("the new object of backup " + manifest.id() + " in " + root
                    + " does not read back as written; the backup keeps its old object; check the disk and retry");
        }
    }

    private static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }

    /** Data goes to a temp name; commit fsyncs it, renames it, then writes the manifest the same way. */
    private final class FileUpload implements Upload {
        private final Path dir;
        private final Path object;
        private final Path temp;
        private final Optional<Path> replaces;
        private FileChannel channel;
        private EarlyWriteback writeback;
        private boolean committed;

        FileUpload(Path dir, Path object, Optional<Path> replaces) {
            this.dir = dir;
            this.object = object;
            this.replaces = replaces;
            this.temp = DurableFiles.tempSibling(object);
        }

        @Override
        public OutputStream data() throws IOException {
            channel = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    DurableFiles.privateFile());
            writeback = new EarlyWriteback(channel, EarlyWriteback.EVERY);
            return new RepositoryOutputStream(writeback, location());
        }

        @Override
        public void commit(byte[] manifestJson) throws IOException {
            try {
                writeback.settle();
                channel.force(true);
                channel.close();
                if (replaces.isPresent()) {
                    requireStoredAsDescribed(temp, Json.read(manifestJson, Manifest.class));
                }
                DurableFiles.moveDurably(temp, object);
                DurableFiles.writeAtomically(dir.resolve(MANIFEST), manifestJson);
                if (replaces.isPresent()) {
                    Files.deleteIfExists(replaces.get());
                }
                Files.deleteIfExists(dir.resolve(OWNER));
                DurableFiles.syncDirectory(dir);
                committed = true;
            } catch (IOException e) {
                throw RepositoryErrors.writeFailed(location(), e);
            }
        }

        @Override
        public void close() {
            if (committed) {
                return;
            }
            try {
                if (channel != null) {
                    writeback.settle();
                    channel.close();
                }
                if (replaces.isPresent()) {
                    Files.deleteIfExists(temp);
                } else {
                    deleteTree(dir);
                }
            } catch (IOException e) {
                // The owner marker stays behind, so the next run removes what is left.
            }
        }
    }
}
