package dev.lifeboat.cli;

import dev.lifeboat.Progress;
import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.restore.RestoreRunner;
import dev.lifeboat.scratch.ScratchSpace;
import dev.lifeboat.source.Engines;
import dev.lifeboat.verify.Verifier;
import java.time.Clock;

/** Wires the orchestration objects for one command run. */
final class Services {
    final Clock clock = Clock.systemUTC();
    final Engines engines = Engines.standard();
    final ScratchSpace scratch = ScratchSpace.fromEnvironment();
    final Progress progress = TerminalProgress.forTerminal();

    BackupRunner backups() {
        return new BackupRunner(clock, scratch, progress);
    }

    Verifier verifier() {
        return new Verifier(engines, scratch, progress, clock);
    }

    RestoreRunner restorer() {
        return new RestoreRunner(clock, backups(), RestoreRunner.Phases.NONE);
    }
}
