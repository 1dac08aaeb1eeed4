package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
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
    private final RepositoryFolder folder;
    private final FileLocks locks;
    /** Whether {@link #create} made the folder itself, so that {@link #removeIfEmpty} may remove it. */
    private boolean rootCreated;

    public FileRepository(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.folder = new RepositoryFolder(this.root);
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
        if (!StoredNames.isBackupId(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + StoredNames.printable(backupId));
        }
        return backups().resolve(backupId);
    }

    /** The folder of an existing backup, refused when it or the backups folder is a link. */
    private Path existingBackupDir(String backupId) throws IOException {
        folder.realFolder(backups());
        return folder.realFolder(backupDir(backupId));
    }

    private Path descriptorFile() {
        return root.resolve(RepositoryDescriptor.FILE_NAME);
    }

    @Override
    public Upload startUpload(String backupId, String objectName) throws IOException {
        if (!StoredNames.isObjectName(objectName)) {
            throw new IllegalArgumentException("not an object name: " + StoredNames.printable(objectName));
        }
        try {
            ensureCreated();
            Path dir = backupDir(backupId);
            folder.realFolder(backups());
            DurableFiles.createPrivateDirectories(dir);
            DurableFiles.writeAtomically(dir.resolve(OWNER),
                    ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8));
            return new FileUpload(dir, dir.resolve(objectName), Optional.empty());
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public boolean create() throws IOException {
        try {
            boolean existed = Files.exists(descriptorFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS);
            rootCreated = !Files.exists(root);
            ensureCreated();
            return !existed;
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public void removeIfEmpty() throws IOException {
        Path locksDir = root.resolve("locks");
        if (!folder.entries(folder.realFolder(backups())).isEmpty() || !folder.entries(locksDir).isEmpty()) {
            return;
        }
        Files.deleteIfExists(locksDir);
        Files.deleteIfExists(backups());
        Files.deleteIfExists(descriptorFile());
        if (rootCreated) {
            try (Stream<Path> left = Files.list(root)) {
                if (left.findAny().isEmpty()) {
                    Files.deleteIfExists(root);
                }
            }
        }
    }

    /**
     * Creates the repository if it is new: the descriptor appears whole and at most once (a hard
     * link of a complete temp file), so two first backups agree on one repository.
     */
    private void ensureCreated() throws IOException {
        Path descriptor = descriptorFile();
        if (Files.exists(descriptor, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            readDescriptor();
            return;
        }
        if (Files.isDirectory(root)) {
            if (holdsForeignEntries() && !Files.exists(descriptor, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new LifeboatException(ExitCode.REPOSITORY, root + " is not empty and is not a Lifeboat"
                        + " repository (no " + RepositoryDescriptor.FILE_NAME + "); choose a new or empty folder");
            }
        } else if (Files.exists(root)) {
            throw new LifeboatException(ExitCode.REPOSITORY, root + " is a file, not a folder; choose a folder"
                    + " for the repository");
        }
        DurableFiles.createPrivateDirectories(root);
        RepositoryDescriptor created = new RepositoryDescriptor(RepositoryDescriptor.KIND,
                RepositoryDescriptor.FORMAT, UUID.randomUUID().toString(), Instant.now(), null);
        DurableFiles.createOnce(descriptor, Json.write(created));
        readDescriptor();
        DurableFiles.createPrivateDirectories(folder.realFolder(backups()));
    }

    /** Entries other than what a repository being created right now by another process has. */
    private boolean holdsForeignEntries() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(e -> e.getFileName().toString()).anyMatch(n -> !n.startsWith(DurableFiles.TEMP_PREFIX)
                    && !n.equals(RepositoryDescriptor.FILE_NAME) && !n.equals("backups") && !n.equals("locks"));
        }
    }

    @Override
    public Upload startReplacement(Manifest existing, String newObjectName) throws IOException {
        requireExisting();
        Path dir = existingBackupDir(existing.id());
        if (!StoredNames.isObjectName(newObjectName) || !StoredNames.isObjectName(existing.object())
                || !Files.exists(dir.resolve(MANIFEST)) || newObjectName.equals(existing.object())) {
            throw new IllegalArgumentException("replacement needs an existing backup and a new object name");
        }
        return new FileUpload(dir, dir.resolve(newObjectName), Optional.of(dir.resolve(existing.object())));
    }

    @Override
    public Optional<Manifest.EncryptionInfo> pinnedEncryption() throws IOException {
        return Files.exists(descriptorFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)
                ? Optional.ofNullable(readDescriptor().pinnedEncryption()) : Optional.empty();
    }

    @Override
    public void pinEncryption(Manifest.EncryptionInfo encryption) throws IOException {
        try {
            ensureCreated();
            RepositoryDescriptor d = readDescriptor();
            DurableFiles.writeAtomically(descriptorFile(), Json.write(new RepositoryDescriptor(d.kind(), d.format(), d.id(),
                    d.createdAt(), encryption)));
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    private RepositoryDescriptor readDescriptor() throws IOException {
        Path descriptor = descriptorFile();
        try {
            byte[] bytes = folder.readSmall(descriptor).orElseThrow(() -> new NoSuchFileException(descriptor.toString()));
            return Descriptors.parse(bytes, descriptor.toString());
        } catch (RepositoryFolder.NotOurs e) {
            throw new LifeboatException(ExitCode.REPOSITORY, "the repository descriptor " + descriptor + " is not"
                    + " Lifeboat's (" + e.getMessage() + "); restore it from a copy, or choose another --repo");
        }
    }

    private void requireExisting() throws IOException {
        if (!Files.exists(descriptorFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw new LifeboatException(ExitCode.NOT_FOUND, "no Lifeboat repository at " + root
                    + "; check the --repo path (a repository is created by the first backup)");
        }
        readDescriptor();
    }

    @Override
    public RepositoryContents contents() throws IOException {
        requireExisting();
        List<Manifest> found = new ArrayList<>();
        List<DamagedBackup> damaged = new ArrayList<>();
        for (Path dir : folder.entries(folder.realFolder(backups()))) {
            String id = dir.getFileName().toString();
            if (!StoredNames.isBackupId(id)) {
                continue;
            }
            try {
                read(dir).ifPresent(found::add);
            } catch (StoredManifests.Damaged e) {
                damaged.add(new DamagedBackup(id, e.getMessage()));
            }
        }
        found.sort(Manifest.OLDEST_FIRST);
        return new RepositoryContents(found, damaged);
    }

    /** Real backup folders (never links), by id. */
    private List<Path> backupDirs() throws IOException {
        return folder.entries(folder.realFolder(backups())).stream()
                .filter(d -> StoredNames.isBackupId(d.getFileName().toString()))
                .filter(d -> Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList();
    }

    /** The manifest of a backup folder; empty while it has none (unfinished, or being deleted). */
    private Optional<Manifest> read(Path dir) throws IOException, StoredManifests.Damaged {
        String id = dir.getFileName().toString();
        if (Files.isSymbolicLink(dir)) {
            throw new StoredManifests.Damaged("its folder is a symbolic link");
        }
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        Optional<byte[]> bytes;
        try {
            bytes = folder.readSmall(dir.resolve(MANIFEST));
        } catch (RepositoryFolder.NotOurs e) {
            throw new StoredManifests.Damaged(e.getMessage());
        }
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        Manifest manifest = StoredManifests.parse(bytes.get(), id);
        if (Files.isSymbolicLink(dir.resolve(manifest.object()))) {
            throw new StoredManifests.Damaged("its data object is a symbolic link");
        }
        return Optional.of(manifest);
    }

    @Override
    public Optional<Manifest> manifest(String backupId) throws IOException {
        requireExisting();
        if (!StoredNames.isBackupId(backupId)) {
            return Optional.empty();
        }
        folder.realFolder(backups());
        try {
            return read(backupDir(backupId));
        } catch (StoredManifests.Damaged e) {
            throw StoredManifests.refusal(location(), new DamagedBackup(backupId, e.getMessage()));
        }
    }

    @Override
    public InputStream openObject(Manifest manifest) throws IOException {
        if (!StoredNames.isObjectName(manifest.object())) {
            throw StoredManifests.refusal(location(), new DamagedBackup(manifest.id(), "its manifest names object '"
                    + StoredNames.printable(manifest.object()) + "', which is not a Lifeboat object name"));
        }
        Path object = existingBackupDir(manifest.id()).resolve(manifest.object());
        try {
            return folder.openObject(object);
        } catch (RepositoryFolder.NotOurs e) {
            throw StoredManifests.refusal(location(), new DamagedBackup(manifest.id(), e.getMessage()));
        } catch (NoSuchFileException e) {
            throw LifeboatException.integrity("the data object of backup " + manifest.id() + " is missing from "
                    + root + "; restore an older backup and run 'lifeboat verify all'");
        }
    }

    @Override
    public void putRecord(String backupId, String recordName, byte[] content) throws IOException {
        if (!StoredNames.isRecordName(recordName)) {
            throw new IllegalArgumentException("not a record name: " + StoredNames.printable(recordName));
        }
        try {
            DurableFiles.writeAtomically(existingBackupDir(backupId).resolve(recordName), content);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public List<byte[]> records(String backupId, String prefix) throws IOException {
        requireExisting();
        List<byte[]> records = new ArrayList<>();
        for (Path file : folder.entries(existingBackupDir(backupId))) {
            String fileName = file.getFileName().toString();
            if (fileName.startsWith(prefix) && StoredNames.isRecordName(fileName)) {
                try {
                    folder.readSmall(file).ifPresent(records::add);
                } catch (RepositoryFolder.NotOurs e) {
                    // Not a record Lifeboat wrote (a link or a folder under a record's name): never read.
                }
            }
        }
        return records;
    }

    @Override
    public void delete(Manifest manifest) throws IOException {
        Path dir = existingBackupDir(manifest.id());
        folder.requireInside(dir);
        try {
            // The owner mark makes a delete cut short look like a dead writer's leftover, which the next run removes.
            DurableFiles.writeAtomically(dir.resolve(OWNER),
                    ProcessOwner.current().token().getBytes(StandardCharsets.UTF_8));
            Files.delete(dir.resolve(MANIFEST));
            DurableFiles.syncDirectory(dir);
            folder.deleteTree(dir);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public RepositoryLock lock(String scope, String purpose) throws IOException {
        try {
            if (!Files.exists(descriptorFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return RepositoryLock.notNeeded();
            }
            return locks().lock(scope, purpose);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public RepositoryLock markInUse(String backupId, String purpose) throws IOException {
        if (!StoredNames.isBackupId(backupId)) {
            throw new IllegalArgumentException("not a backup id: " + StoredNames.printable(backupId));
        }
        try {
            return locks().markInUse(backupId, purpose);
        } catch (IOException e) {
            throw RepositoryErrors.writeFailed(location(), e);
        }
    }

    @Override
    public java.util.Set<String> backupsInUse() throws IOException {
        return locks().inUse();
    }

    /** The lock folder, refused when someone replaced it with a link to elsewhere. */
    private FileLocks locks() throws IOException {
        folder.realFolder(root.resolve("locks"));
        return locks;
    }

    @Override
    public List<String> unlock(Optional<String> scope) throws IOException {
        requireExisting();
        return locks().unlock(scope);
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

    private boolean ownedByLiveProcess(Path dir) throws IOException {
        Optional<ProcessOwner> owner = owner(dir);
        return owner.isPresent() && !owner.get().isDeadOnThisHost();
    }

    private Optional<ProcessOwner> owner(Path dir) throws IOException {
        try {
            return folder.readSmall(dir.resolve(OWNER))
                    .flatMap(bytes -> ProcessOwner.parse(new String(bytes, StandardCharsets.UTF_8)));
        } catch (RepositoryFolder.NotOurs e) {
            return Optional.empty();
        }
    }

    @Override
    public int removeLeftovers() throws IOException {
        if (!Files.exists(descriptorFile(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        // Marks of killed readers, and temps of killed descriptor writes (a rekey's pin), go with the rest.
        int removed = locks.removeStaleInUse() + removeDeadTemps(root);
        for (Path dir : backupDirs()) {
            Optional<ProcessOwner> owner = owner(dir);
            boolean deadOwner = owner.isPresent() && owner.get().isDeadOnThisHost();
            if (deadOwner && !Files.exists(dir.resolve(MANIFEST), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                removed += folder.deleteTree(dir);
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
     * being committed right now out of reach; nothing is removed from a damaged backup.
     */
    private int removeReplacedObjects(Path dir) throws IOException {
        Optional<Manifest> manifest;
        try {
            manifest = read(dir);
        } catch (StoredManifests.Damaged e) {
            return 0;
        }
        if (manifest.isEmpty()) {
            return 0;
        }
        String current = manifest.get().object();
        java.time.Instant hourAgo = java.time.Instant.now().minus(java.time.Duration.ofHours(1));
        int removed = 0;
        for (Path file : folder.entries(dir)) {
            String fileName = file.getFileName().toString();
            if (StoredNames.isObjectName(fileName) && !fileName.equals(current)
                    && Files.getLastModifiedTime(file, java.nio.file.LinkOption.NOFOLLOW_LINKS).toInstant()
                    .isBefore(hourAgo)) {
                Files.deleteIfExists(file);
                removed++;
            }
        }
        return removed;
    }

    private int removeDeadTemps(Path dir) throws IOException {
        int removed = 0;
        for (Path file : folder.entries(dir)) {
            long pid = DurableFiles.tempOwnerPid(file);
            if (pid > 0 && ProcessOwner.isGone(pid)) {
                Files.deleteIfExists(file);
                removed++;
            }
        }
        return removed;
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
                    folder.deleteTree(dir);
                }
            } catch (IOException e) {
                // The owner marker stays behind, so the next run removes what is left.
            }
        }
    }
}
