package dev.lifeboat.config;

import dev.lifeboat.backup.BackupRunner;
import dev.lifeboat.backup.ShrinkAlarm;
import java.time.Duration;
import java.util.Optional;

/** The backup guards of a job: minimum interval and shrink alarm ({@code failOnShrink} makes it fail the run). */
public record GuardsConfig(Duration minInterval, int shrinkThreshold, boolean failOnShrink) {
    public static final GuardsConfig DEFAULT = new GuardsConfig(Duration.ZERO, 50, true);

    public BackupRunner.Guards toGuards() {
        return new BackupRunner.Guards(minInterval, Optional.of(new ShrinkAlarm(shrinkThreshold)));
    }
}
