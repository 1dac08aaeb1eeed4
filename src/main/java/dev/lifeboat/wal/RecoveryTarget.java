package dev.lifeboat.wal;

import dev.lifeboat.source.postgres.WalNames;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Where recovery stops: the end of the archived WAL, or a time, an LSN, a named restore point or a transaction. */
public sealed interface RecoveryTarget {
    /** The recovery settings for postgresql.auto.conf, without the restore_command. */
    String settings();

    /** What a person reads. */
    String describe();

    record EndOfWal() implements RecoveryTarget {
        public String settings() {
            return "";
        }

        public String describe() {
            return "the end of the archived WAL";
        }
    }

    record Time(Instant time) implements RecoveryTarget {
        public String settings() {
            return "recovery_target_time = '" + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS'+00'")
                    .withZone(java.time.ZoneOffset.UTC).format(time) + "'\n";
        }

        public String describe() {
            return "time " + time;
        }
    }

    record Lsn(long lsn) implements RecoveryTarget {
        public String settings() {
            return "recovery_target_lsn = '" + WalNames.formatLsn(lsn) + "'\n";
        }

        public String describe() {
            return "LSN " + WalNames.formatLsn(lsn);
        }
    }

    record Name(String name) implements RecoveryTarget {
        public String settings() {
            return "recovery_target_name = '" + name.replace("'", "''") + "'\n";
        }

        public String describe() {
            return "restore point '" + name + "'";
        }
    }

    record Xid(long xid) implements RecoveryTarget {
        public String settings() {
            return "recovery_target_xid = '" + xid + "'\n";
        }

        public String describe() {
            return "transaction " + xid;
        }
    }

    /** At most one of the command line's targets; none means the end of the WAL. */
    static RecoveryTarget parse(Optional<String> time, Optional<String> lsn, Optional<String> name,
                                Optional<String> xid) {
        int given = (time.isPresent() ? 1 : 0) + (lsn.isPresent() ? 1 : 0) + (name.isPresent() ? 1 : 0)
                + (xid.isPresent() ? 1 : 0);
        if (given > 1) {
            throw new LifeboatException(ExitCode.USAGE, "give one of --target-time, --target-lsn, --target-name and"
                    + " --target-xid");
        }
        if (time.isPresent()) {
            return new Time(parseTime(time.get()));
        }
        if (lsn.isPresent()) {
            return new Lsn(WalNames.parseLsn(lsn.get()).orElseThrow(() -> new LifeboatException(ExitCode.USAGE,
                    "--target-lsn '" + lsn.get() + "' is not an LSN; write it as PostgreSQL does, e.g. 0/3000148")));
        }
        if (name.isPresent()) {
            return new Name(name.get());
        }
        if (xid.isPresent()) {
            if (!xid.get().matches("\\d{1,19}")) {
                throw new LifeboatException(ExitCode.USAGE, "--target-xid '" + xid.get() + "' is not a transaction"
                        + " id; give the number txid_current() returned");
            }
            return new Xid(Long.parseLong(xid.get()));
        }
        return new EndOfWal();
    }

    /** {@code 2026-12-02 16:41:07+01}, {@code 2026-12-02T16:41:07.123Z} and the like; a zone is required. */
    static Instant parseTime(String text) {
        String iso = text.strip().replace(' ', 'T');
        if (iso.matches(".*[+-]\\d\\d$")) {
            iso = iso + ":00";
        }
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            throw new LifeboatException(ExitCode.USAGE, "--target-time '" + text + "' is not a time with a zone;"
                    + " write it as 'YYYY-MM-DD HH:MM:SS+TZ', e.g. '2026-12-02 16:41:07+01'");
        }
    }
}
