package dev.lifeboat.rekey;

import dev.lifeboat.LifeboatException;
import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.manifest.Facts;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.pipeline.Compression;
import dev.lifeboat.pipeline.Decryption;
import dev.lifeboat.pipeline.Encryption;
import dev.lifeboat.pipeline.StoredForm;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.source.KeyChange;
import dev.lifeboat.source.Snapshot;
import dev.lifeboat.verify.FactsComparison;
import dev.lifeboat.verify.StagedCheck;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves the backups of a database to its new key: each one is restored into scratch (still under
 * the old key) and checked, re-encrypted into a new backup under the new key (same start time,
 * name and purpose, checked again), and only then is the old one deleted. A run cut short is
 * finished by the next: a new backup names the one it replaces ({@code rekeyed_from}).
 */
public final class KeyRotation {
    static final String REKEYED_FROM = "rekeyed_from";
    private final Engines engines;
    private final BackupRunner backups;
    private final ScratchSpace scratch;
    private final Progress progress;

    public KeyRotation(Engines engines, BackupRunner backups, ScratchSpace scratch, Progress progress) {
        this.engines = engines;
        this.backups = backups;
        this.scratch = scratch;
        this.progress = progress;
    }

    /** What happened to one backup; {@code failed} ones were left as they were. */
    public record Outcome(String backupId, String name, boolean failed, String detail) {
    }

    /**
     * @param oldKey,newKey how to find each key, e.g. {@code key-env=VAR}
     */
    public List<Outcome> rotate(Repository repository, String kind, Optional<String> name, Map<String, String> oldKey,
                                Map<String, String> newKey) throws IOException {
        repository.removeLeftovers();
        scratch.removeLeftovers();
        List<Manifest> all = repository.manifests();
        List<Outcome> outcomes = new ArrayList<>();
        for (Manifest manifest : all) {
            if (!manifest.source().kind().equals(kind) || name.filter(n -> !n.equals(manifest.name())).isPresent()) {
                continue;
            }
            try {
                outcomes.add(rotate(repository, manifest, all, oldKey, newKey));
            } catch (LifeboatException e) {
                if (e.exitCode() == dev.lifeboat.ExitCode.USAGE) {
                    throw e;
                }
                outcomes.add(new Outcome(manifest.id(), manifest.name(), true, e.getMessage()));
            }
        }
        return outcomes;
    }

    private Outcome rotate(Repository repository, Manifest manifest, List<Manifest> all, Map<String, String> oldKey,
                           Map<String, String> newKey) throws IOException {
        Optional<Manifest> successor = all.stream()
                .filter(m -> manifest.id().equals(m.facts().properties().get(REKEYED_FROM))).findFirst();
        if (successor.isPresent()) {
            repository.delete(manifest);
            return new Outcome(manifest.id(), manifest.name(), false, "replaced by " + successor.get().id()
                    + " under the new key (finishing an interrupted run); deleted");
        }
        KeyChange change = engines.forKind(manifest.source().kind())
                .keyChange(manifest.source().location(), oldKey, newKey).orElseThrow();
        KeyChange.Opener opener = change.opener(manifest.facts());
        if (opener == KeyChange.Opener.NEW_KEY) {
            return new Outcome(manifest.id(), manifest.name(), false, "already under the new key; kept");
        }
        if (opener == KeyChange.Opener.NEITHER) {
            return new Outcome(manifest.id(), manifest.name(), true, "opened by neither key (its key check matches"
                    + " neither); left as it is");
        }
        if (!"none".equals(manifest.encryption().scheme())) {
            return new Outcome(manifest.id(), manifest.name(), true, "also encrypted with "
                    + manifest.encryption().scheme() + ", which re-keying cannot open yet; left as it is");
        }
        try (KeyChange.Staged staged = change.stage(scratch)) {
            StagedCheck.fill(repository, manifest, Decryption.NONE, staged, progress);
            try (Snapshot rekeyed = new Successor(staged.rekeyed(scratch), manifest.id())) {
                FactsComparison.requireEqual(manifest.facts(), rekeyed.facts());
                StoredForm form = new StoredForm(Compression.NONE, Compression.NONE.defaultLevel(), Encryption.NONE);
                Manifest stored = backups.store(rekeyed, manifest.startedAt(), manifest.source(), manifest.name(),
                        manifest.purpose(), form, repository);
                repository.delete(manifest);
                return new Outcome(manifest.id(), manifest.name(), false, "re-keyed as " + stored.id()
                        + "; the old backup is deleted");
            }
        }
    }

    /** The re-keyed snapshot, whose facts name the backup it replaces. */
    private record Successor(Snapshot snapshot, String replaces) implements Snapshot {
        @Override
        public String extension() {
            return snapshot.extension();
        }

        @Override
        public long size() {
            return snapshot.size();
        }

        @Override
        public InputStream open() throws IOException {
            return snapshot.open();
        }

        @Override
        public Facts facts() throws IOException {
            Facts facts = snapshot.facts();
            Map<String, String> properties = new LinkedHashMap<>(facts.properties());
            properties.put(REKEYED_FROM, replaces);
            return new Facts(facts.engine(), facts.engineVersion(), facts.tableRows(), properties);
        }

        @Override
        public boolean compressible() {
            return snapshot.compressible();
        }

        @Override
        public void close() {
            snapshot.close();
        }
    }
}
