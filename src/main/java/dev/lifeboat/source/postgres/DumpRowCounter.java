package dev.lifeboat.source.postgres;

import dev.lifeboat.source.postgres.PgScope.QualifiedName;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts the rows of every table in a pg_dump custom-format archive as it streams past, so the
 * counts are those of the very bytes that are stored, in pg_dump's own snapshot, with no second
 * scan of the tables on the server. A table's data block is its {@link CopyLines COPY text} cut
 * into length-prefixed chunks; the archive's table of contents names the table of each block.
 * An archive it does not know (another version, compressed data) makes it step aside, and
 * {@link #rows()} is empty: the caller counts in the snapshot instead.
 */
final class DumpRowCounter {
    private static final byte[] MAGIC = "PGDMP".getBytes(StandardCharsets.US_ASCII);
    private static final int CUSTOM_FORMAT = 1;
    private static final int BLOCK_DATA = 1;
    private static final int BLOCK_LARGE_OBJECTS = 3;
    /** Archive versions 1.12 (PostgreSQL 9.5) to 1.16 (PostgreSQL 17 and 18). */
    private static final int FIRST_MINOR = 12;
    private static final int LAST_MINOR = 16;
    /** The longest kept string: TOC tags and schema names are identifiers of at most 63 bytes. */
    private static final int KEPT_STRING = 256;
    private static final int RECENT = CopyLines.TAIL - 1;
    /** An int field: a sign byte and four bytes (pg_dump writes its C int, four bytes everywhere). */
    private static final int INT_FIELD = 1 + Integer.BYTES;
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private enum Step {
        HEADER, COMPRESSION_BYTE, COMPRESSION_LEVEL, DATE, DB_NAME, SERVER_VERSION, DUMP_VERSION, TOC_COUNT,
        ENTRY_FIELD, DEPENDENCY, DATA_OFFSET, BLOCK_TYPE, BLOCK_ID, CHUNK_LENGTH, CHUNK, LARGE_OBJECT
    }

    /** A TOC entry's fields in archive order, and which of them Lifeboat reads. */
    private enum EntryField {
        DUMP_ID(true), HAD_DUMPER(true), TABLE_OID(false), OID(false), TAG(false), DESCRIPTION(false),
        SECTION(true), DEFINITION(false), DROP(false), COPY(false), NAMESPACE(false), TABLESPACE(false),
        TABLE_AM(false), RELKIND(true), OWNER(false), WITH_OIDS(false);

        final boolean integer;

        EntryField(boolean integer) {
            this.integer = integer;
        }
    }

    private final Map<Integer, QualifiedName> tableOfBlock = new HashMap<>();
    private final Map<QualifiedName, Long> rows = new LinkedHashMap<>();
    private final byte[] raw = new byte[16];
    private final byte[] kept = new byte[KEPT_STRING];
    private List<EntryField> entryFields;
    private int offSize;

    private Step step = Step.HEADER;
    private int need = 11;
    private int have;
    private boolean stringLength;
    private long bodyLeft;
    private int keptLength;
    private boolean stepAside;

    private long left;
    private int field;
    private int dumpId;
    private String tag;
    private String description;
    private String namespace;
    private int blockType;
    private QualifiedName blockTable;
    private final CopyLines blockText = new CopyLines();
    private final int[] recentStarts = new int[CopyLines.TAIL];
    private final int[] recentLengths = new int[CopyLines.TAIL];

    /** Takes the next {@code len} bytes of the archive. */
    void accept(byte[] b, int off, int len) {
        int end = off + len;
        while (off < end && !stepAside) {
            if (step == Step.CHUNK_LENGTH && have == 0 && blockType == BLOCK_DATA) {
                int next = wholeChunks(b, off, end);
                if (next > off) {
                    off = next;
                    continue;
                }
            }
            if (bodyLeft > 0) {
                int n = (int) Math.min(bodyLeft, end - off);
                body(b, off, n);
                off += n;
                bodyLeft -= n;
                if (bodyLeft == 0) {
                    bodyDone();
                }
            } else if (have == 0 && end - off >= need) {
                // The common case, a field whole in the buffer (a TOC field, a block's end): read it where it lies.
                int n = need;
                rawDone(b, off);
                off += n;
            } else {
                int n = Math.min(need - have, end - off);
                System.arraycopy(b, off, raw, have, n);
                have += n;
                off += n;
                if (have == need) {
                    have = 0;
                    rawDone(raw, 0);
                }
            }
        }
    }

    /**
     * The hot loop of a data block: the rows of the chunks that lie whole in {@code b}, their
     * lengths read in place. The newlines of the whole run of chunks are counted at once, less
     * those of the length fields between them. Returns where it stopped: at the block's end, or
     * at a chunk that goes on in the next buffer, both left to the general path.
     */
    private int wholeChunks(byte[] b, int off, int end) {
        int first = off;
        int chunks = 0;
        long text = 0;
        long headerNewlines = 0;
        while (end - off > INT_FIELD) {
            long length = readInt(b, off);
            // One test for both ends, the block's (a length of 0) and the buffer's, so that the
            // compiled loop has no branch that is only taken once in a while.
            if (Long.compareUnsigned(length - 1, end - off - INT_FIELD) >= 0) {
                break;
            }
            // The sign byte of a positive length is 0, so only the length's own bytes can be newlines.
            headerNewlines += CopyLines.newlines(length);
            int start = off + INT_FIELD;
            // Where the last chunks lie: their bytes are the text's end, copied once below.
            recentStarts[chunks & RECENT] = start;
            recentLengths[chunks & RECENT] = (int) length;
            chunks++;
            text += length;
            off = start + (int) length;
        }
        if (chunks > 0) {
            blockText.add(CopyLines.count(b, first, off - first) - headerNewlines, text);
            // TAIL chunks of at least one byte each hold the text's last TAIL bytes.
            for (int i = Math.max(0, chunks - CopyLines.TAIL); i < chunks; i++) {
                blockText.endsWith(b, recentStarts[i & RECENT], recentLengths[i & RECENT]);
            }
        }
        return off;
    }

    private void body(byte[] b, int off, int n) {
        if (step == Step.CHUNK) {
            if (blockType == BLOCK_DATA) {
                blockText.add(b, off, n);
                blockText.endsWith(b, off, n);
            }
        } else {
            int keep = Math.min(n, KEPT_STRING - keptLength);
            System.arraycopy(b, off, kept, keptLength, keep);
            keptLength += keep;
        }
    }

    /** {@code in}, with every byte read from it passed to this counter on the way. */
    InputStream counting(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    accept(new byte[] {(byte) b}, 0, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return counted(b, off, super.read(b, off, len));
            }

            /** Counts what a pipe hands over in a few KiB per read once the caller's buffer is full. */
            @Override
            public int readNBytes(byte[] b, int off, int len) throws IOException {
                return counted(b, off, in.readNBytes(b, off, len));
            }

            private int counted(byte[] b, int off, int n) {
                if (n > 0) {
                    accept(b, off, n);
                }
                return n;
            }
        };
    }

    /**
     * The rows of each table whose data block the archive held, once the whole archive has been
     * read; empty when the archive was not one this counter knows, or ended inside a block.
     */
    Optional<Map<QualifiedName, Long>> rows() {
        boolean betweenBlocks = step == Step.BLOCK_TYPE && have == 0;
        return stepAside || !betweenBlocks ? Optional.empty() : Optional.of(Map.copyOf(rows));
    }

    private void rawDone(byte[] b, int off) {
        if (stringLength) {
            stringLength(readInt(b, off));
            return;
        }
        switch (step) {
            case HEADER -> header(b, off);
            case COMPRESSION_BYTE -> compression(b[off]);
            case DATA_OFFSET -> entryDone();
            case BLOCK_TYPE -> blockType(b[off] & 0xff);
            default -> integer(readInt(b, off));
        }
    }

    private void header(byte[] b, int off) {
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[off + i] != MAGIC[i]) {
                stepAside = true;
                return;
            }
        }
        int minor = b[off + 6];
        offSize = b[off + 9];
        if (b[off + 5] != 1 || minor < FIRST_MINOR || minor > LAST_MINOR || b[off + 8] != Integer.BYTES
                || offSize < 1 || offSize > 8 || b[off + 10] != CUSTOM_FORMAT) {
            stepAside = true;
            return;
        }
        entryFields = Arrays.stream(EntryField.values())
                .filter(f -> f != EntryField.TABLE_AM || minor >= 14)
                .filter(f -> f != EntryField.RELKIND || minor >= 16)
                .toList();
        if (minor >= 15) {
            expectRaw(Step.COMPRESSION_BYTE, 1);
        } else {
            expectInt(Step.COMPRESSION_LEVEL);
        }
    }

    private void compression(long algorithmOrLevel) {
        if (algorithmOrLevel != 0) {
            stepAside = true;
            return;
        }
        left = 7;
        expectInt(Step.DATE);
    }

    private void integer(long value) {
        switch (step) {
            case COMPRESSION_LEVEL -> compression(value);
            case DATE -> {
                if (--left > 0) {
                    expectInt(Step.DATE);
                } else {
                    expectString(Step.DB_NAME);
                }
            }
            case TOC_COUNT -> {
                left = value;
                nextEntry();
            }
            case ENTRY_FIELD -> {
                if (entryFields.get(field) == EntryField.DUMP_ID) {
                    dumpId = (int) value;
                }
                nextField();
            }
            case BLOCK_ID -> startBlock((int) value);
            case CHUNK_LENGTH -> chunkLength(value);
            case LARGE_OBJECT -> {
                if (value == 0) {
                    expectRaw(Step.BLOCK_TYPE, 1);
                } else {
                    expectInt(Step.CHUNK_LENGTH);
                }
            }
            default -> stepAside = true;
        }
    }

    private void stringLength(long length) {
        stringLength = false;
        if (length < 0) {
            string(null);
        } else if (length == 0) {
            string("");
        } else {
            keptLength = 0;
            bodyLeft = length;
        }
    }

    private void bodyDone() {
        if (step == Step.CHUNK) {
            expectInt(Step.CHUNK_LENGTH);
        } else {
            string(new String(kept, 0, keptLength, StandardCharsets.UTF_8));
        }
    }

    private void string(String value) {
        switch (step) {
            case DB_NAME -> expectString(Step.SERVER_VERSION);
            case SERVER_VERSION -> expectString(Step.DUMP_VERSION);
            case DUMP_VERSION -> expectInt(Step.TOC_COUNT);
            case ENTRY_FIELD -> {
                switch (entryFields.get(field)) {
                    case TAG -> tag = value;
                    case DESCRIPTION -> description = value;
                    case NAMESPACE -> namespace = value;
                    default -> {
                    }
                }
                nextField();
            }
            case DEPENDENCY -> {
                if (value == null) {
                    expectRaw(Step.DATA_OFFSET, 1 + offSize);
                } else {
                    expectString(Step.DEPENDENCY);
                }
            }
            default -> stepAside = true;
        }
    }

    private void nextEntry() {
        if (left-- <= 0) {
            expectRaw(Step.BLOCK_TYPE, 1);
            return;
        }
        field = 0;
        tag = null;
        description = null;
        namespace = null;
        expectField();
    }

    private void nextField() {
        field++;
        if (field == entryFields.size()) {
            expectString(Step.DEPENDENCY);
        } else {
            expectField();
        }
    }

    private void expectField() {
        if (entryFields.get(field).integer) {
            expectInt(Step.ENTRY_FIELD);
        } else {
            expectString(Step.ENTRY_FIELD);
        }
    }

    private void entryDone() {
        if ("TABLE DATA".equals(description) && tag != null && namespace != null) {
            tableOfBlock.put(dumpId, new QualifiedName(namespace, tag));
        }
        nextEntry();
    }

    private void blockType(int type) {
        if (type != BLOCK_DATA && type != BLOCK_LARGE_OBJECTS) {
            stepAside = true;
            return;
        }
        blockType = type;
        expectInt(Step.BLOCK_ID);
    }

    private void startBlock(int id) {
        blockTable = blockType == BLOCK_DATA ? tableOfBlock.get(id) : null;
        blockText.reset();
        expectInt(blockType == BLOCK_DATA ? Step.CHUNK_LENGTH : Step.LARGE_OBJECT);
    }

    private void chunkLength(long length) {
        if (length < 0) {
            stepAside = true;
        } else if (length > 0) {
            step = Step.CHUNK;
            bodyLeft = length;
        } else if (blockType == BLOCK_DATA) {
            if (blockTable != null) {
                rows.merge(blockTable, blockText.rows(), Long::sum);
            }
            expectRaw(Step.BLOCK_TYPE, 1);
        } else {
            expectInt(Step.LARGE_OBJECT);
        }
    }

    private void expectRaw(Step next, int bytes) {
        step = next;
        need = bytes;
        stringLength = false;
    }

    private void expectInt(Step next) {
        expectRaw(next, INT_FIELD);
    }

    /** A string is an int length (negative for NULL), then its bytes. */
    private void expectString(Step next) {
        expectInt(next);
        stringLength = true;
    }

    /** pg_dump's int: a sign byte, then four bytes, least significant first. */
    private long readInt(byte[] b, int off) {
        long value = Integer.toUnsignedLong((int) INTS.get(b, off + 1));
        return b[off] == 0 ? value : -value;
    }
}
