package dev.lifeboat.cli;

import dev.lifeboat.source.EngineOption;
import dev.lifeboat.source.EngineSettings;
import dev.lifeboat.source.Engines;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The engines' options as flags, made from their declarations: each command that takes them
 * gets one flag per option of its operation, and reads back what was given as {@link EngineSettings}.
 */
final class EngineFlags {
    private EngineFlags() {
    }

    /** A command with engine flags, and the operation whose options it takes. */
    interface Taker {
        EngineOption.Operation engineOperation();
    }

    /** Adds the flags to every command of {@code cli} that takes them. */
    static void addTo(CommandLine cli, Engines engines) {
        for (CommandLine command : cli.getSubcommands().values()) {
            if (command.getCommand() instanceof Taker taker) {
                CommandSpec spec = command.getCommandSpec();
                engines.options(taker.engineOperation()).forEach(option -> spec.addOption(flag(option)));
            }
        }
    }

    private static OptionSpec flag(EngineOption option) {
        OptionSpec.Builder flag = OptionSpec.builder(option.flagName()).description(option.help());
        switch (option.type()) {
            case FLAG -> flag.type(boolean.class).arity("0");
            case TEXT -> flag.type(String.class).paramLabel(option.paramLabel());
            case INTEGER -> flag.type(int.class).paramLabel(option.paramLabel());
            case LIST -> flag.type(List.class).auxiliaryTypes(String.class).paramLabel(option.paramLabel());
            default -> throw new IllegalStateException(option.type().name());
        }
        option.defaultValue().ifPresent(flag::defaultValue);
        return flag.build();
    }

    /** The engine flags given on this command line; those not given are left to their declared defaults. */
    static EngineSettings given(CommandSpec spec, Engines engines, EngineOption.Operation operation) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (EngineOption option : engines.options(operation)) {
            OptionSpec flag = spec.findOption(option.flagName());
            if (parsed.hasMatchedOption(flag)) {
                Object value = flag.getValue();
                values.put(option.name(), value instanceof List<?> list
                        ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(value)));
            }
        }
        return new EngineSettings(values);
    }
}
