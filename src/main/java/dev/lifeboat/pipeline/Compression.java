package dev.lifeboat.pipeline;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Compression stages. Every one writes a standard format that the stock CLI reads. */
public enum Compression {
    ZSTD("zstd", ".zst", 3, 1, 19),
    GZIP("gzip", ".gz", 6, 1, 9),
    NONE("none", "", 0, 0, 0);

    private final String label;
    private final String extension;
    private final int defaultLevel;
    private final int minLevel;
    private final int maxLevel;

    Compression(String label, String extension, int defaultLevel, int minLevel, int maxLevel) {
        this.label = label;
        this.extension = extension;
        this.defaultLevel = defaultLevel;
        this.minLevel = minLevel;
        this.maxLevel = maxLevel;
    }

    public static Compression parse(String label) {
        for (Compression c : values()) {
            if (c.label.equals(label.toLowerCase(Locale.ROOT))) {
                return c;
            }
        }
        throw new LifeboatException(ExitCode.USAGE,
                "unknown compression '" + label + "'; use zstd, gzip or none");
    }

    public String label() {
        return label;
    }

    public String extension() {
        return extension;
    }

    public int defaultLevel() {
        return defaultLevel;
    }

    /** The level to use, or a usage error naming the valid range. */
    public int checkedLevel(Integer requested) {
        if (requested == null || this == NONE) {
            return defaultLevel;
        }
        if (requested < minLevel || requested > maxLevel) {
            throw new LifeboatException(ExitCode.USAGE, "--level " + requested + " is out of range for "
                    + label + "; use " + minLevel + " to " + maxLevel);
        }
        return requested;
    }

    OutputStream compress(OutputStream out, int level) throws IOException {
        switch (this) {
            case ZSTD -> {
                ZstdOutputStreamNoFinalizer zstd = new ZstdOutputStreamNoFinalizer(out, level);
                zstd.setChecksum(true);
                zstd.setWorkers(Runtime.getRuntime().availableProcessors());
                return zstd;
            }
            case GZIP -> {
                return new GZIPOutputStream(out, 1 << 16) {
                    {
                        def.setLevel(level == 0 ? Deflater.DEFAULT_COMPRESSION : level);
                    }
                };
            }
            default -> {
                return out;
            }
        }
    }

    InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case ZSTD -> new ZstdInputStreamNoFinalizer(in);
            case GZIP -> new GZIPInputStream(in, 1 << 16);
            case NONE -> in;
        };
    }
}
