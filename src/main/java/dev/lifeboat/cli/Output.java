package dev.lifeboat.cli;

import dev.lifeboat.manifest.Manifest;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/** Human-readable renderings of manifests. */
final class Output {
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private Output() {
    }

    static String encryption(Manifest m) {
        String outer = dev.lifeboat.backup.EncryptionPolicy.describe(m.encryption());
        if (!"sqlcipher".equals(m.source().kind())) {
            return outer;
        }
        return "none".equals(m.encryption().scheme()) ? "sqlcipher: the database's own encryption"
                : "sqlcipher, then " + outer;
    }

    static String summary(Manifest m) {
        return String.format(Locale.ROOT, "%d tables, %d rows; %s plain, %s stored (%s%s, %s); %.1f s",
                m.facts().tableRows().size(), m.facts().totalRows(), Sizes.human(m.seal().plainSize()),
                Sizes.human(m.seal().storedSize()), m.compression().algorithm(),
                "none".equals(m.compression().algorithm()) ? "" : " " + m.compression().level(),
                encryption(m), m.durationMillis() / 1000.0);
    }

    /** A backup whose manifest cannot be trusted: never restored, never taken as latest. */
    static String damaged(dev.lifeboat.repository.DamagedBackup damaged) {
        return "DAMAGED " + damaged.id() + ": " + damaged.reason() + "; it is never restored or used as 'latest'";
    }

    /** The table with one more column at the end, e.g. whether a given key opens each backup. */
    static void table(PrintWriter out, List<Manifest> manifests, String extraHeader,
                      java.util.function.Function<Manifest, String> extra) {
        String format = "%-23s %-16s %-11s %-20s %7s %12s %10s %10s  " + (extraHeader.isEmpty() ? "%s%s%n"
                : "%-22s %s%n");
        out.printf(Locale.ROOT, format, "ID", "NAME", "KIND", "STARTED", "TABLES", "ROWS", "SIZE", "STORED",
                "ENCRYPTION", extraHeader);
        for (Manifest m : manifests) {
            out.printf(Locale.ROOT, format, m.id(), m.name(), m.purpose(), TIME.format(m.startedAt()),
                    m.facts().tableRows().size(), m.facts().totalRows(), Sizes.human(m.seal().plainSize()),
                    Sizes.human(m.seal().storedSize()), m.encryptedWith()
                            + (m.isSuspicious() ? "  SUSPICIOUS" : ""), extra.apply(m));
        }
    }
}
