package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Json;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.store.ForeignObject;
import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * {@code lifeboat-repository.json}: created with put-if-absent, so that two first backups agree
 * on one repository, and read through {@link Descriptors} as the untrusted input it is.
 */
final class DescriptorFile {
    /** What a root may hold while another process is creating the repository in it. */
    private static final Set<String> OURS = Set.of(Layout.DESCRIPTOR, Layout.BACKUPS.replace("/", ""),
            Layout.LOCKS.replace("/", ""), WalArchive.PREFIX.replace("/", ""));
    private final Store store;
    private final Clock clock;

    DescriptorFile(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    private String where() {
        return store.location() + "/" + Layout.DESCRIPTOR;
    }

    Optional<RepositoryDescriptor> read() throws IOException {
        try {
            return store.readSmall(Layout.DESCRIPTOR, Layout.SMALL_LIMIT).map(bytes -> Descriptors.parse(bytes, where()));
        } catch (ForeignObject e) {
            throw new LifeboatException(ExitCode.REPOSITORY, "the repository descriptor " + where() + " is not"
                    + " Lifeboat's (" + e.getMessage() + "); restore it from a copy, or choose another --repo");
        }
    }

    RepositoryDescriptor require() throws IOException {
        return read().orElseThrow(() -> Repository.missing(store.location()));
    }

    /** Creates the repository unless it exists; true when this call created it. */
    boolean create() throws IOException {
        if (read().isPresent()) {
            return false;
        }
        List<String> foreign = store.topLevel().stream().filter(n -> !OURS.contains(n)).toList();
        if (!foreign.isEmpty()) {
            throw new LifeboatException(ExitCode.REPOSITORY, store.location() + " is not empty and is not a Lifeboat"
                    + " repository (no " + Layout.DESCRIPTOR + "); choose a new or empty folder or prefix");
        }
        boolean created = store.putIfAbsent(Layout.DESCRIPTOR, Json.write(new RepositoryDescriptor(
                RepositoryDescriptor.KIND, RepositoryDescriptor.FORMAT, UUID.randomUUID().toString(), clock.instant(),
                null)));
        read().orElseThrow(() -> new LifeboatException(ExitCode.REPOSITORY, store.location() + " did not keep its"
                + " new " + Layout.DESCRIPTOR + "; check that it accepts writes and retry"));
        return created;
    }

    void pin(Manifest.EncryptionInfo encryption) throws IOException {
        create();
        RepositoryDescriptor d = require();
        store.put(Layout.DESCRIPTOR, Json.write(new RepositoryDescriptor(d.kind(), RepositoryDescriptor.FORMAT, d.id(), d.createdAt(),
                encryption)));
    }

    /** Removes a repository that holds nothing but its descriptor, then whatever the store made for it. */
    void removeIfEmpty() throws IOException {
        if (store.list("").stream().allMatch(o -> o.key().equals(Layout.DESCRIPTOR))
                && store.unfinished("").isEmpty()) {
            store.delete(Layout.DESCRIPTOR);
            store.removeIfEmpty();
        }
    }
}
