package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Manual pages in man(7) roff, one per command, from the same model as --help and the completions.
 * picocli's own generator writes AsciiDoc, which needs Asciidoctor (and JRuby) in the build to
 * become roff; the few macros a command's page needs are written here instead.
 */
final class ManPages {
    private static final java.util.regex.Pattern SENTENCE_END = java.util.regex.Pattern.compile(
            "(?<!\\be\\.g|\\bi\\.e)\\.\\s");

    private ManPages() {
    }

    /** Each page's file name ({@code lifeboat-config-check.1}) and its text. */
    static Map<String, String> of(CommandLine root, String version) {
        Map<String, String> pages = new LinkedHashMap<>();
        add(root.getCommandSpec(), version, pages);
        return pages;
    }

    static String pageName(CommandSpec command) {
        return command.qualifiedName("-");
    }

    private static void add(CommandSpec command, String version, Map<String, String> pages) {
        if (command.userObject() instanceof CommandLine.HelpCommand) {
            return;
        }
        pages.put(pageName(command) + ".1", page(command, version));
        for (CommandLine sub : command.subcommands().values().stream().distinct().toList()) {
            add(sub.getCommandSpec(), version, pages);
        }
    }

    private static String page(CommandSpec command, String version) {
        StringBuilder out = new StringBuilder();
        String name = pageName(command);
        String[] description = command.usageMessage().description();
        out.append(".\\\" Generated from lifeboat's command model by the build; do not edit.\n")
                .append(".TH ").append(text(name.toUpperCase(Locale.ROOT))).append(" 1 \"\" \"lifeboat ")
                .append(text(version)).append("\" \"Lifeboat Manual\"\n")
                .append(".SH NAME\n").append(text(name)).append(" \\- ").append(text(summary(description)))
                .append("\n.SH SYNOPSIS\n.nf\n").append(text(synopsis(command))).append("\n.fi\n")
                .append(".SH DESCRIPTION\n").append(text(plain(description))).append('\n');
        List<PositionalParamSpec> arguments = command.positionalParameters().stream().filter(p -> !p.hidden())
                .toList();
        if (!arguments.isEmpty()) {
            out.append(".SH ARGUMENTS\n");
            arguments.forEach(p -> item(out, "\\fI" + text(p.paramLabel()) + "\\fR", p.description()));
        }
        out.append(".SH OPTIONS\n");
        for (OptionSpec option : command.options()) {
            if (!option.hidden()) {
                item(out, flags(option), option.description());
            }
        }
        List<CommandSpec> subcommands = command.subcommands().values().stream().distinct()
                .map(CommandLine::getCommandSpec).filter(s -> !(s.userObject() instanceof CommandLine.HelpCommand))
                .toList();
        if (!subcommands.isEmpty()) {
            out.append(".SH COMMANDS\n");
            subcommands.forEach(s -> item(out, "\\fB" + text(s.name()) + "\\fR", about(s)));
        }
        if (command.parent() == null) {
            exitStatus(out);
        }
        out.append(".SH SEE ALSO\n").append(text(seeAlso(command))).append('\n');
        return out.toString();
    }

    private static void item(StringBuilder out, String term, String[] description) {
        out.append(".TP\n").append(term).append('\n').append(text(plain(description))).append('\n');
    }

    private static String flags(OptionSpec option) {
        List<String> names = new ArrayList<>();
        for (String name : option.names()) {
            names.add("\\fB" + text(name) + "\\fR");
        }
        String flags = String.join(", ", names);
        return option.arity().max() > 0 ? flags + " \\fI" + text(option.paramLabel()) + "\\fR" : flags;
    }

    private static String synopsis(CommandSpec command) {
        CommandLine.Help help = new CommandLine.Help(command, CommandLine.Help.defaultColorScheme(
                CommandLine.Help.Ansi.OFF));
        return help.synopsis(0).stripTrailing();
    }

    private static void exitStatus(StringBuilder out) {
        out.append(".SH EXIT STATUS\n");
        for (ExitCode code : ExitCode.values()) {
            out.append(".TP\n").append(code.code()).append('\n')
                    .append(text(code.name().toLowerCase(Locale.ROOT).replace('_', ' '))).append('\n');
        }
        out.append(".PP\nEvery failure prints one line, \\(lqlifeboat: <cause>; <what to do>\\(rq, on stderr."
                + " The README (/usr/share/doc/lifeboat/README.md in the package) explains each code.\n");
    }

    private static String seeAlso(CommandSpec command) {
        List<String> pages = new ArrayList<>();
        if (command.parent() != null) {
            pages.add(pageName(command.parent()) + "(1)");
        }
        command.subcommands().values().stream().distinct().map(CommandLine::getCommandSpec)
                .filter(s -> !(s.userObject() instanceof CommandLine.HelpCommand))
                .forEach(s -> pages.add(pageName(s) + "(1)"));
        return String.join(", ", pages);
    }

    /** What a command does: its header if it has one (as 'help' does), else its description. */
    static String[] about(CommandSpec command) {
        String[] header = command.usageMessage().header();
        return header.length > 0 ? header : command.usageMessage().description();
    }

    /** A description as text: picocli's %n as a line break, %% as a percent sign. */
    static String plain(String[] description) {
        return String.join(" ", description).replace("%n", "\n").replace("%%", "%").strip();
    }

    /** The first sentence of a description ("e.g." and "i.e." end none). */
    static String summary(String[] description) {
        String text = plain(description).replace('\n', ' ');
        java.util.regex.Matcher end = SENTENCE_END.matcher(text);
        return end.find() ? text.substring(0, end.start() + 1) : text;
    }

    /** Text as roff reads it literally: backslashes and minus signs escaped, no line starting a request. */
    static String text(String plain) {
        String escaped = plain.replace("\\", "\\e").replace("-", "\\-").replace("\u2026", "...")
                .replace("\u2014", "\\(em").replace("'", "\\(aq");
        StringBuilder out = new StringBuilder();
        for (String line : escaped.split("\n", -1)) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(line.startsWith(".") ? "\\&" + line : line);
        }
        return out.toString();
    }
}
