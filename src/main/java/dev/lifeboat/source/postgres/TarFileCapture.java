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
    private static final int BLOCK = TarHeader.BLOCK;
    private static final int LIMIT = 64 * 1024;
    private final Set<String> kept;
    private final Map<String, ByteArrayOutputStream> captured = new TreeMap<>();
    private final byte[] header = new byte[BLOCK];
    private int headerFill;
    private long remaining;
    private long dataLeft;
    private ByteArrayOutputStream current;
    private boolean ended;
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
            scan(new byte[] {(byte) b}, 0, 1);
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int off, int len) throws IOException {
        int n = super.read(buffer, off, len);
        if (n > 0) {
            scan(buffer, off, n);
        }
        return n;
    }

    private void scan(byte[] buffer, int off, int n) {
        int i = off;
        int end = off + n;
        while (i < end && !ended) {
            if (remaining > 0) {
                int k = (int) Math.min(remaining, end - i);
                if (current != null && dataLeft > 0) {
                    int keep = (int) Math.min(dataLeft, k);
                    current.write(buffer, i, keep);
                    dataLeft -= keep;
                    if (current.size() > 2 * LIMIT) {
                        byte[] tail = current.toByteArray();
                        current.reset();
                        current.write(tail, tail.length - LIMIT, LIMIT);
                    }
                }
                remaining -= k;
                i += k;
                continue;
            }
            int k = Math.min(BLOCK - headerFill, end - i);
            System.arraycopy(buffer, i, header, headerFill, k);
            headerFill += k;
            i += k;
            if (headerFill == BLOCK) {
                headerFill = 0;
                startMember();
            }
        }
    }

    private void startMember() {
        Optional<TarHeader> member = TarHeader.isEnd(header) ? Optional.empty() : TarHeader.parse(header);
        if (member.isEmpty()) {
            ended = true;
            return;
        }
        String name = member.get().name();
        seen.add(name);
        remaining = member.get().paddedSize();
        dataLeft = member.get().size();
        current = kept.contains(name) ? new ByteArrayOutputStream() : null;
        if (current != null) {
            captured.put(name, current);
        }
    }
}
