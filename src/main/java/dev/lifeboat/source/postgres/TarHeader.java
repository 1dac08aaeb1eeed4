package dev.lifeboat.source.postgres;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One header block of a POSIX ustar archive as pg_basebackup writes it: the member's name (with the
 * ustar prefix), type, size (octal, or base-256 past 8 GiB as GNU tar reads it) and modification time.
 *
 * @param type the type flag: '0' (or NUL) a regular file, '5' a directory
 */
record TarHeader(String name, char type, long size, long modifiedSeconds) {
    static final int BLOCK = 512;

    /** Two zero blocks end an archive; the first one is enough to know. */
    static boolean isEnd(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The header in {@code block}, or empty when its checksum does not match or its size does not parse. */
    static Optional<TarHeader> parse(byte[] block) {
        if (!checksumMatches(block)) {
            return Optional.empty();
        }
        String name = text(block, 0, 100);
        boolean ustar = text(block, 257, 5).equals("ustar");
        String prefix = ustar ? text(block, 345, 155) : "";
        long size = number(block, 124, 12);
        return size < 0 ? Optional.empty() : Optional.of(new TarHeader(prefix.isEmpty() ? name : prefix + "/" + name,
                (char) block[156], size, number(block, 136, 12)));
    }

    boolean isFile() {
        return type == '0' || type == 0;
    }

    boolean isDirectory() {
        return type == '5';
    }

    /** The member's content with the padding to the next block. */
    long paddedSize() {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    /** The sum of the header's bytes, its checksum field counted as spaces (POSIX). */
    private static boolean checksumMatches(byte[] block) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : block[i] & 0xff;
        }
        try {
            String recorded = text(block, 148, 8).trim();
            return !recorded.isEmpty() && Long.parseLong(recorded, 8) == sum;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String text(byte[] block, int offset, int length) {
        int n = 0;
        while (n < length && block[offset + n] != 0) {
            n++;
        }
        return new String(block, offset, n, StandardCharsets.UTF_8);
    }

    private static long number(byte[] block, int offset, int length) {
        if ((block[offset] & 0x80) != 0) {
            long value = block[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = value << 8 | block[offset + i] & 0xff;
            }
            return value;
        }
        String digits = text(block, offset, length).trim();
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
