package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.repository.Repository;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the archive of each cluster in a repository allows: its WAL chain, and the window of time
 * a restore can reach, from the end of the oldest base backup whose WAL is complete to the last
 * segment archived without a gap after it.
 */
public final class WalWindow {
    /** @param window empty when no base backup has all the WAL it needs */
    public record ClusterReport(WalChain.Report chain, Optional<Window> window) {
    }

    public record Window(Instant from, Instant to, String backup) {
    }

    private final boolean readContent;

    /** A window check that reads every stored WAL object (see {@link WalChain}). */
    public WalWindow() {
        this(true);
    }

    /** @param readContent false to trust listed sizes instead of reading objects (see {@link WalChain}) */
    public WalWindow(boolean readContent) {
        this.readContent = readContent;
    }

    public List<ClusterReport> check(Repository repository) throws IOException {
        List<Manifest> bases = repository.manifests().stream()
                .filter(m -> PointInTimeRestore.KIND.equals(m.source().kind())).sorted(Manifest.OLDEST_FIRST).toList();
        List<ClusterReport> reports = new ArrayList<>();
        for (String systemId : repository.wal().systems()) {
            List<Manifest> own = bases.stream().filter(m -> systemId.equals(m.facts().properties()
                    .get("system_identifier"))).toList();
            long segmentSize = own.stream().map(m -> m.facts().properties().get("wal_segment_size"))
                    .filter(s -> s != null && s.matches("\\d+")).map(Long::parseLong).reduce((a, b) -> b)
                    .orElse(WalNames.DEFAULT_SEGMENT_SIZE);
            WalChain chain = new WalChain(repository.wal(), segmentSize, readContent);
            WalChain.Report whole = chain.check(systemId, Optional.empty());
            Optional<Window> window = Optional.empty();
            for (Manifest base : own) {
                String start = base.facts().properties().get("start_wal");
                if (start == null) {
                    continue;
                }
                WalChain.Report needed = chain.check(systemId, Optional.of(start));
                String stop = base.facts().properties().getOrDefault("stop_wal", start);
                boolean consistent = needed.timelines().stream().anyMatch(t -> t.id() == WalNames.timeline(stop)
                        && t.last().compareTo(stop) >= 0);
                if (needed.clean() && consistent) {
                    Instant to = needed.timelines().stream().flatMap(t -> t.lastArchivedAt().stream())
                            .max(Instant::compareTo).orElse(base.finishedAt());
                    window = Optional.of(new Window(base.finishedAt(), to.isBefore(base.finishedAt())
                            ? base.finishedAt() : to, base.id()));
                    break;
                }
            }
            reports.add(new ClusterReport(whole, window));
        }
        return reports;
    }
}
