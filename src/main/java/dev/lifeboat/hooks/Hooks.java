package dev.lifeboat.hooks;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hooks of one job.
 *
 * @param env the names of variables of Lifeboat's environment the job's hooks get besides
 *            {@link dev.lifeboat.ChildEnvironment#PASSED} (config key {@code hooks.env})
 */
public record Hooks(Map<HookPoint, Hook> commands, List<String> env) {
    public static final Hooks NONE = new Hooks(Map.of(), List.of());

    public Hooks {
        commands = commands.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(commands));
        env = List.copyOf(env);
    }

    public Optional<Hook> at(HookPoint point) {
        return Optional.ofNullable(commands.get(point));
    }
}
