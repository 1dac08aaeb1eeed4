package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.pipeline.Pipeline;
import dev.lifeboat.repository.WalArchive;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the archive of one cluster holds, timeline by timeline: the segments from the first to the
 * last, the ones missing between them (gaps), and the ones whose stored bytes no longer match
 * their record (damaged; checked without any key, by the SHA-256 of the stored bytes).
 */
public final class WalChain {
    /** One timeline: its first and last archived segment, and what is wrong in between. */
    public record Timeline(int id, String first, String last, int segments, List<String> missing,
                           List<String> damaged, Optional<Instant> lastArchivedAt, boolean history) {
    }

    public record Report(String systemId, List<Timeline> timelines) {
        public boolean clean() {
            return timelines.stream().allMatch(t -> t.missing().isEmpty() && t.damaged().isEmpty());
        }

        /** Every problem, as lines naming the segment. */
        public List<String> problems() {
            List<String> lines = new ArrayList<>();
            for (Timeline t : timelines) {
                t.missing().forEach(s -> lines.add("missing WAL segment " + s));
                t.damaged().forEach(s -> lines.add("damaged WAL file " + s));
            }
            return lines;
        }
    }

    private final WalArchive archive;
    private final long segmentSize;
    private final boolean readContent;

    /** A chain check that reads every stored object to compare its SHA-256. */
    public WalChain(WalArchive archive, long segmentSize) {
        this(archive, segmentSize, true);
    }

    /**
     * @param readContent false for a cheap check (the daemon's, every minute): an object counts as
     *                    intact when it is listed with the size its record says, without reading it
     */
    public WalChain(WalArchive archive, long segmentSize, boolean readContent) {
        this.archive = archive;
        this.segmentSize = segmentSize;
        this.readContent = readContent;
    }

    /**
     * Checks the archive of {@code systemId}; with {@code fromSegment}, only what lies at or after it
     * on its timeline and on later timelines (what a restore from a base backup needs).
     */
    public Report check(String systemId, Optional<String> fromSegment) throws IOException {
        List<String> names = archive.names(systemId);
        Map<String, Long> objects = archive.objectSizes(systemId);
        TreeMap<Integer, List<String>> byTimeline = new TreeMap<>();
        List<Integer> histories = new ArrayList<>();
        for (String name : names) {
            if (WalNames.isSegment(name)) {
                byTimeline.computeIfAbsent(WalNames.timeline(name), t -> new ArrayList<>()).add(name);
            } else if (WalNames.isHistory(name)) {
                histories.add(WalNames.timeline(name));
            }
        }
        List<Timeline> timelines = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> entry : byTimeline.entrySet()) {
            int id = entry.getKey();
            List<String> segments = entry.getValue();
            Optional<String> start = Optional.empty();
            if (fromSegment.isPresent()) {
                int fromTimeline = WalNames.timeline(fromSegment.get());
                if (id < fromTimeline) {
                    continue;
                }
                if (id == fromTimeline) {
                    segments = segments.stream().filter(s -> s.compareTo(fromSegment.get()) >= 0).toList();
                    start = fromSegment;
                }
            }
            timelines.add(timeline(systemId, id, segments, start, objects, histories.contains(id)));
        }
        if (fromSegment.isPresent() && !byTimeline.containsKey(WalNames.timeline(fromSegment.get()))) {
            int id = WalNames.timeline(fromSegment.get());
            timelines.add(0, timeline(systemId, id, List.of(), fromSegment, objects, histories.contains(id)));
        }
        return new Report(systemId, timelines);
    }

    /** {@code start}, when given, is the first segment that must be there (a restore's first). */
    private Timeline timeline(String systemId, int id, List<String> segments, Optional<String> start,
                              Map<String, Long> objects, boolean history) throws IOException {
        List<String> missing = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        if (segments.isEmpty()) {
            return new Timeline(id, start.orElseThrow(), start.orElseThrow(), 0, List.of(start.orElseThrow()),
                    List.of(), Optional.empty(), history);
        }
        long expected = WalNames.segmentNumber(start.orElse(segments.get(0)), segmentSize);
        Instant lastArchived = null;
        for (String segment : segments) {
            long number = WalNames.segmentNumber(segment, segmentSize);
            for (; expected < number; expected++) {
                missing.add(WalNames.segmentName(id, expected, segmentSize));
            }
            expected = number + 1;
            Optional<WalArchive.Entry> entry = archive.entry(systemId, segment);
            if (entry.isEmpty() || !intact(entry.get(), objects)) {
                damaged.add(segment);
            } else {
                lastArchived = entry.get().archivedAt();
            }
        }
        return new Timeline(id, start.orElse(segments.get(0)), segments.get(segments.size() - 1), segments.size(),
                missing, damaged,
                Optional.ofNullable(lastArchived), history);
    }

    /** The stored object is there, as long as its record says, with the same SHA-256. */
    private boolean intact(WalArchive.Entry entry, Map<String, Long> objects) throws IOException {
        Long size = objects.get(entry.object());
        if (size == null || size != entry.seal().storedSize()) {
            return false;
        }
        if (!readContent) {
            return true;
        }
        try (InputStream in = archive.open(entry)) {
            Pipeline.copyStored(in, OutputStream.nullOutputStream(), entry.seal(), n -> { });
            return true;
        } catch (LifeboatException e) {
            return false;
        }
    }
}
