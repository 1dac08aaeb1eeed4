package dev.lifeboat.source.postgres;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names PostgreSQL gives the files it archives, and the arithmetic between positions in the
 * write-ahead log (LSNs) and segment names: {@code TTTTTTTTXXXXXXXXYYYYYYYY} is timeline T and
 * segment number X * (4 GiB / segment size) + Y.
 */
public final class WalNames {
    private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");
    private static final Pattern ARCHIVED = Pattern.compile(
            "[0-9A-F]{24}|[0-9A-F]{8}\\.history|[0-9A-F]{24}\\.partial|[0-9A-F]{24}\\.[0-9A-F]{8}\\.backup");
    private static final Pattern SYSTEM_ID = Pattern.compile("[1-9][0-9]{0,19}");
    public static final long DEFAULT_SEGMENT_SIZE = 16L << 20;

    private WalNames() {
    }

    /** True for every file name PostgreSQL hands an archive_command: segments, history, partial, backup. */
    public static boolean isArchivable(String name) {
        return ARCHIVED.matcher(name).matches();
    }

    public static boolean isSegment(String name) {
        return SEGMENT.matcher(name).matches();
    }

    public static boolean isHistory(String name) {
        return name.endsWith(".history") && isArchivable(name);
    }

    public static boolean isSystemId(String id) {
        return SYSTEM_ID.matcher(id).matches();
    }

    /** The timeline of a segment or history file name. */
    public static int timeline(String name) {
        return Integer.parseUnsignedInt(name.substring(0, 8), 16);
    }

    /** A segment's number counted from the start of the log, with {@code segmentSize} bytes per segment. */
    public static long segmentNumber(String segment, long segmentSize) {
        long perId = 0x1_0000_0000L / segmentSize;
        return Long.parseUnsignedLong(segment.substring(8, 16), 16) * perId
                + Long.parseUnsignedLong(segment.substring(16, 24), 16);
    }

    public static String segmentName(int timeline, long number, long segmentSize) {
        long perId = 0x1_0000_0000L / segmentSize;
        return String.format(Locale.ROOT, "%08X%08X%08X", timeline, number / perId, number % perId);
    }

    /** The segment that holds position {@code lsn} on {@code timeline}. */
    public static String segmentOf(int timeline, long lsn, long segmentSize) {
        return segmentName(timeline, Long.divideUnsigned(lsn, segmentSize), segmentSize);
    }

    public static String historyName(int timeline) {
        return String.format(Locale.ROOT, "%08X.history", timeline);
    }

    /** {@code 0/3000028} as a number; empty when it is not an LSN. */
    public static Optional<Long> parseLsn(String text) {
        String[] parts = text.strip().split("/");
        if (parts.length != 2 || !parts[0].matches("[0-9A-Fa-f]{1,8}") || !parts[1].matches("[0-9A-Fa-f]{1,8}")) {
            return Optional.empty();
        }
        return Optional.of((Long.parseLong(parts[0], 16) << 32) | Long.parseLong(parts[1], 16));
    }

    public static String formatLsn(long lsn) {
        return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFF_FFFFL);
    }
}
