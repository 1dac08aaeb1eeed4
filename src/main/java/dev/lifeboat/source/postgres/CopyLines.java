package dev.lifeboat.source.postgres;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * One table's COPY text as pg_dump writes it into an archive: a line per row (a newline inside a
 * value is written as {@code \n}), perhaps ended by the end-of-data marker, a line {@code \.}
 * and empty lines. No row can be that line, since COPY writes a backslash in a value as two; a
 * row may be empty, so empty lines are rows unless they follow the marker.
 */
final class CopyLines {
    /** Bytes kept of the text's end, where the marker would be; a power of two. */
    static final int TAIL = 16;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long LOW_SEVEN = 0x7F7F7F7F7F7F7F7FL;

    private final byte[] tail = new byte[TAIL];
    private long lines;
    private long bytes;

    void reset() {
        lines = 0;
        bytes = 0;
    }

    /** Counts the lines of the next {@code n} bytes of text; {@link #endsWith} must see its last bytes. */
    void add(byte[] b, int off, int n) {
        add(count(b, off, n), n);
    }

    /** Takes {@code n} more bytes of text holding {@code newlines} newlines, counted by the caller. */
    void add(long newlines, long n) {
        lines += newlines;
        bytes += n;
    }

    /** Keeps what the text ends with, as of the {@code n} bytes at {@code off}, the latest added. */
    void endsWith(byte[] b, int off, int n) {
        if (n >= TAIL) {
            System.arraycopy(b, off + n - TAIL, tail, 0, TAIL);
        } else {
            System.arraycopy(tail, n, tail, 0, TAIL - n);
            System.arraycopy(b, off, tail, TAIL - n, n);
        }
    }

    /** The rows of the text added since the last reset. */
    long rows() {
        int newlines = 0;
        int known = (int) Math.min(bytes, TAIL);
        while (newlines < known && tail[TAIL - 1 - newlines] == '\n') {
            newlines++;
        }
        int backslash = TAIL - 2 - newlines;
        boolean marker = newlines > 0 && known >= newlines + 2 && tail[backslash + 1] == '.'
                && tail[backslash] == '\\'
                && (bytes == newlines + 2 || backslash > 0 && tail[backslash - 1] == '\n');
        return marker ? lines - newlines : lines;
    }

    /** Newline bytes, eight at a time. */
    static long count(byte[] b, int off, int len) {
        long count = 0;
        int i = off;
        for (int end = off + len - 7; i < end; i += 8) {
            count += newlines((long) LONGS.get(b, i));
        }
        for (int end = off + len; i < end; i++) {
            if (b[i] == '\n') {
                count++;
            }
        }
        return count;
    }

    /** The newline bytes among the eight of {@code word}, without a branch. */
    static int newlines(long word) {
        long x = word ^ NEWLINES;
        // A byte's high bit ends up clear exactly where x held a zero byte: no carry crosses bytes.
        long nonZero = ((x & LOW_SEVEN) + LOW_SEVEN) | x;
        return Long.bitCount(~(nonZero | LOW_SEVEN));
    }
}
