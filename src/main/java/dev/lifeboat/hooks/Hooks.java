package dev.lifeboat.hooks;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The hooks of one job. */
public record Hooks(Map<HookPoint, Hook> commands) {
    public static final Hooks NONE = new Hooks(Map.of());

    public Hooks {
        commands = commands.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(commands));
    }

    public Optional<Hook> at(HookPoint point) {
        return Optional.ofNullable(commands.get(point));
    }
}
