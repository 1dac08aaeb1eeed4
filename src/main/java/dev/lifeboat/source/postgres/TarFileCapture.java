package dev.lifeboat.source.postgres;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Passes a tar stream through unchanged while keeping the content of a few members (such as
 * {@code backup_label}; of a long one, its last 64 KiB) and noting which names went by, so facts about a base
 * backup come from the very bytes stored, without a second read.
 */
final class TarFileCapture extends FilterInputStream {
    private static final int LIMIT = 64 * 1024;
    private final Set<String> kept;
    private final Map<String, ByteArrayOutputStream> captured = new TreeMap<>();
    private final TarWalker walker = new TarWalker(new Members());
    /** The started member's content when it is kept. */
    private ByteArrayOutputStream current;
    private final Set<String> seen = new TreeSet<>();

    TarFileCapture(InputStream in, Set<String> kept) {
        super(in);
        this.kept = Set.copyOf(kept);
    }

    /** The content of a kept member (the tail of a long one), once the stream went past it. */
    Optional<String> content(String name) {
        return Optional.ofNullable(captured.get(name)).map(b -> b.toString(StandardCharsets.UTF_8));
    }

    boolean saw(String name) {
        return seen.contains(name);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            walker.feed(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
            walker.feed(buffer, off, n);
        }
        return n;
    }

    /** Notes each member's name and keeps the content of the kept ones. */
    private final class Members implements TarWalker.Members {
        @Override
        public void start(TarHeader member) {
            String name = member.name();
            seen.add(name);
            current = kept.contains(name) ? new ByteArrayOutputStream() : null;
            if (current != null) {
                captured.put(name, current);
            }
        }

        @Override
        public void content(byte[] bytes, int offset, int length) {
            if (current != null) {
                current.write(bytes, offset, length);
                if (current.size() > 2 * LIMIT) {
                    byte[] tail = current.toByteArray();
                    current.reset();
                    current.write(tail, tail.length - LIMIT, LIMIT);
                }
            }
        }

        @Override
        public void end() {
            current = null;
        }

        /** The stream is pg_basebackup's, passed on unchanged; its facts end where its headers stop making sense. */
        @Override
        public void damaged() {
            // the walk ends here
        }
    }
}
