package dev.lifeboat.source;

import dev.lifeboat.LifeboatException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One option an engine takes, declared once: the command line's flags, a job's
 * {@code source-options} keys and {@code config check} are all made from these declarations,
 * so a flag and a key with the same name mean and accept exactly the same thing.
 *
 * @param name the flag without its dashes, and the config key: {@code schema} is {@code --schema}
 * @param help the flag's description; may use picocli's {@code ${DEFAULT-VALUE}}
 * @param paramLabel what the flag's value is called in help, e.g. {@code NAME}; unused for flags
 * @param defaultValue the value when none is given; empty for none
 * @param operations the commands that take it; a job takes every option of its engine
 * @param check the problem with one value, worded after the value (e.g. {@code "x is not exact or estimate"}),
 *              or empty when the value is fine
 */
public record EngineOption(String name, Type type, String help, String paramLabel, Optional<String> defaultValue,
                           Set<Operation> operations, Function<String, Optional<String>> check) {
    /** How many values an option takes and of what kind. */
    public enum Type { FLAG, TEXT, INTEGER, LIST }

    /** The commands an option can belong to; named as the commands are. */
    public enum Operation { BACKUP, VERIFY, RESTORE }

    public EngineOption {
        operations = Set.copyOf(operations);
    }

    /** An on/off option, off unless given. */
    public static EngineOption flag(String name, String help, Operation first, Operation... more) {
        return new EngineOption(name, Type.FLAG, help, "", Optional.empty(), EnumSet.of(first, more),
                value -> Optional.empty());
    }

    public static EngineOption of(Type type, String name, String paramLabel, String help, Operation first,
                                  Operation... more) {
        return new EngineOption(name, type, help, paramLabel, Optional.empty(), EnumSet.of(first, more),
                value -> Optional.empty());
    }

    public EngineOption withDefault(String value) {
        return new EngineOption(name, type, help, paramLabel, Optional.of(value), operations, check);
    }

    public EngineOption checkedBy(Function<String, Optional<String>> valueCheck) {
        return new EngineOption(name, type, help, paramLabel, defaultValue, operations, valueCheck);
    }

    /** {@code --name}, as the command line spells it and as messages name the option. */
    public String flagName() {
        return "--" + name;
    }

    public boolean takes(Operation operation) {
        return operations.contains(operation);
    }

    /** What is wrong with one value of this option, worded after the value; empty when it is fine. */
    public Optional<String> problem(String value) {
        if (type == Type.FLAG && !value.equals("true") && !value.equals("false")) {
            return Optional.of("'" + value + "' is not true or false");
        }
        if (type == Type.INTEGER && !value.trim().matches("-?\\d{1,9}")) {
            return Optional.of("'" + value + "' is not a whole number");
        }
        return check.apply(value);
    }

    /** The values given in {@code settings}, else the default; each checked. */
    public List<String> values(EngineSettings settings) {
        List<String> given = settings.get(name);
        List<String> values = given.isEmpty() ? defaultValue.map(List::of).orElse(List.of()) : given;
        for (String value : values) {
            problem(value).ifPresent(problem -> {
                throw EngineFailure.request(flagName() + " " + problem);
            });
        }
        return values;
    }

    public Optional<String> value(EngineSettings settings) {
        List<String> values = values(settings);
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(values.size() - 1));
    }

    public boolean isOn(EngineSettings settings) {
        return value(settings).map(Boolean::parseBoolean).orElse(false);
    }

    public int integer(EngineSettings settings) {
        return Integer.parseInt(value(settings).orElseThrow().trim());
    }
}
