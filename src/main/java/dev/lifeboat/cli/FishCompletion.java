package dev.lifeboat.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The fish completion of the command tree (picocli writes bash's only). A generated function tells
 * which (sub)command the words typed so far name; each command's subcommands, options and arguments
 * complete only there. What a parameter completes to follows its placeholder: the words of a
 * choice ({@code zstd|gzip|none}), paths for FILE, DIR, SOURCE, TARGET and REPO, exported variable
 * names for VAR, and nothing (but a required value) otherwise.
 */
final class FishCompletion {
    private static final List<String> PATHS = List.of("FILE", "DIR", "SOURCE", "TARGET", "REPO", "PATH");

    private FishCompletion() {
    }

    static String of(CommandLine root) {
        String name = root.getCommandName();
        List<CommandSpec> commands = new ArrayList<>();
        collect(root.getCommandSpec(), commands);
        StringBuilder out = new StringBuilder();
        out.append("# fish completion for ").append(name).append(", generated from its command model by the build.\n")
                .append("complete -c ").append(name).append(" -e\n")
                .append("complete -c ").append(name).append(" -f\n\n")
                .append("function __").append(name).append("_path --description 'The ").append(name)
                .append(" command named by the words typed so far'\n")
                .append("    set -l path ").append(name).append('\n')
                .append("    for word in (commandline -opc)[2..-1]\n")
                .append("        switch \"$path $word\"\n")
                .append("            case ").append(commands.stream().filter(c -> c != root.getCommandSpec())
                        .map(c -> quote(c.qualifiedName())).collect(Collectors.joining(" "))).append('\n')
                .append("                set path \"$path $word\"\n")
                .append("        end\n")
                .append("    end\n")
                .append("    echo $path\n")
                .append("end\n\n")
                .append("function __").append(name).append("_at\n")
                .append("    test (__").append(name).append("_path) = \"$argv\"\n")
                .append("end\n");
        for (CommandSpec command : commands) {
            command(out, name, command);
        }
        return out.toString();
    }

    private static void collect(CommandSpec command, List<CommandSpec> into) {
        into.add(command);
        command.subcommands().values().stream().distinct().forEach(sub -> collect(sub.getCommandSpec(), into));
    }

    private static void command(StringBuilder out, String name, CommandSpec command) {
        String at = "complete -c " + name + " -n " + quote("__" + name + "_at " + command.qualifiedName());
        out.append("\n# ").append(command.qualifiedName()).append('\n');
        for (CommandLine sub : command.subcommands().values().stream().distinct().toList()) {
            CommandSpec spec = sub.getCommandSpec();
            out.append(at).append(" -a ").append(quote(spec.name())).append(" -d ")
                    .append(quote(ManPages.summary(ManPages.about(spec)))).append('\n');
        }
        if (command.userObject() instanceof CommandLine.HelpCommand) {
            String siblings = String.join(" ", command.parent().subcommands().keySet());
            out.append(at).append(" -a ").append(quote(siblings)).append('\n');
        }
        for (OptionSpec option : command.options()) {
            if (option.hidden()) {
                continue;
            }
            StringBuilder line = new StringBuilder(at);
            for (String flag : option.names()) {
                line.append(flag.startsWith("--") ? " -l " + flag.substring(2) : " -s " + flag.substring(1));
            }
            if (option.arity().max() > 0) {
                line.append(parameter(option, true));
            }
            out.append(line).append(" -d ").append(quote(ManPages.summary(option.description()))).append('\n');
        }
        for (PositionalParamSpec positional : command.positionalParameters()) {
            if (!positional.hidden() && !(command.userObject() instanceof CommandLine.HelpCommand)) {
                out.append(at).append(parameter(positional, false)).append(" -d ")
                        .append(quote(positional.paramLabel())).append('\n');
            }
        }
    }

    /** What a parameter completes to, as options of fish's 'complete'. */
    private static String parameter(ArgSpec arg, boolean option) {
        List<String> candidates = new ArrayList<>();
        if (arg.completionCandidates() != null) {
            arg.completionCandidates().forEach(candidates::add);
        }
        String label = arg.paramLabel();
        List<String> words = Arrays.stream(label.split("\\|")).filter(w -> w.equals(w.toLowerCase(Locale.ROOT)))
                .toList();
        if (candidates.isEmpty() && label.contains("|")) {
            candidates.addAll(words);
        }
        if (PATHS.contains(label)) {
            return option ? " -r -F" : " -F";
        }
        if (!candidates.isEmpty()) {
            return (option ? " -x" : "") + " -a " + quote(String.join(" ", candidates));
        }
        if (label.equals("VAR")) {
            return (option ? " -x" : "") + " -a '(set -xn)'";
        }
        return option ? " -x" : "";
    }


    private static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
