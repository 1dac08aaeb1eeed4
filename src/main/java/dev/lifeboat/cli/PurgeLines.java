package dev.lifeboat.cli;

import dev.lifeboat.purge.BackupsHolding;
import dev.lifeboat.purge.PurgeReport;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** A purge report as the lines under {@code run}'s status line. */
final class PurgeLines {
    private PurgeLines() {
    }

    static List<String> of(PurgeReport report) {
        List<String> lines = new ArrayList<>();
        if (!report.erasure().isEmpty()) {
            lines.add("  erasure: " + String.join("; ", report.erasure()));
        }
        String assumption = "";
        for (PurgeReport.Rule rule : report.rules()) {
            if (rule.error().isPresent()) {
                lines.add("  " + rule.rule() + ": failed");
                continue;
            }
            lines.add("  " + rule.rule() + ": " + (report.dryRun() ? "would delete " : "deleted ") + rule.rows()
                    + " row(s) (cutoff " + rule.cutoff().truncatedTo(ChronoUnit.SECONDS) + ")");
            if (rule.backups().isEmpty()) {
                lines.add("    backups: no backup job of this database in the config; backups made elsewhere may"
                        + " still hold such rows");
                continue;
            }
            BackupsHolding held = rule.backups().get();
            assumption = held.assumption();
            if (held.oldest().isEmpty()) {
                lines.add("    backups: none holds such rows");
                continue;
            }
            BackupsHolding.Copy oldest = held.oldest().get();
            lines.add("    backups holding such rows: " + held.backups() + "; the oldest, " + oldest.backupId()
                    + " in " + oldest.repository() + ", is dropped " + oldest.when());
            held.lastToGo().filter(last -> !last.equals(oldest)).ifPresent(last -> lines.add("    the last of them, "
                    + last.backupId() + " in " + last.repository() + ", is dropped " + last.when()));
        }
        if (!assumption.isEmpty()) {
            lines.add("    (dates assume " + assumption + ")");
        }
        return lines;
    }
}
