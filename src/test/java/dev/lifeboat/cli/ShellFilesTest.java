package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.testing.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The command model is complete (every option and argument described, placeholders alike), and the
 * completions and man pages the build wrote from it name every command and option and work in the
 * real shells and in groff.
 */
class ShellFilesTest {
    private static final Path BUILT = Path.of("target", "shell");
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "([A-Z][A-Z0-9_.]*|[a-z][a-z0-9-]*)(\\|([A-Z][A-Z0-9_.]*|[a-z][a-z0-9-]*))*");
    /** Options whose value means different things in different commands ('copy --to REPO', 'restore --to TARGET'). */
    private static final List<String> PLACEHOLDER_DIFFERS = List.of("--to");
    private static Services services;
    private static CommandLine model;

    @TempDir
    Path dir;

    @BeforeAll
    static void model() {
        services = new Services(Map.of(), InputStream.nullInputStream(), OutputStream.nullOutputStream());
        model = ShellFiles.model(services);
    }

    @AfterAll
    static void close() {
        services.close();
    }

    @Test
    void everyOptionAndArgumentIsDescribedWithOnePlaceholderStyle() {
        List<String> problems = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        for (CommandSpec command : commands()) {
            String where = command.qualifiedName();
            if (ManPages.plain(ManPages.about(command)).isBlank()) {
                problems.add(where + " has no description");
            }
            for (String inherited : List.of("--quiet", "--verbose", "--help")) {
                if (command.findOption(inherited) == null) {
                    problems.add(where + " lacks " + inherited);
                }
            }
            for (OptionSpec option : command.options()) {
                String name = where + " " + option.longestName();
                if (ManPages.plain(option.description()).isBlank()) {
                    problems.add(name + " has no description");
                }
                if (option.arity().max() > 0) {
                    if (!PLACEHOLDER.matcher(option.paramLabel()).matches()) {
                        problems.add(name + " has the placeholder " + option.paramLabel());
                    }
                    String before = labels.putIfAbsent(option.longestName(), option.paramLabel());
                    if (before != null && !before.equals(option.paramLabel())
                            && !PLACEHOLDER_DIFFERS.contains(option.longestName())) {
                        problems.add(name + " says " + option.paramLabel() + " where others say " + before);
                    }
                }
            }
            for (PositionalParamSpec argument : command.positionalParameters()) {
                String name = where + " " + argument.paramLabel();
                if (ManPages.plain(argument.description()).isBlank()) {
                    problems.add(name + " has no description");
                }
                if (!PLACEHOLDER.matcher(argument.paramLabel()).matches()) {
                    problems.add(name + " is no placeholder");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theBuildWroteWhatTheModelSaysNow() throws IOException {
        assertTrue(Files.isDirectory(BUILT), BUILT + " is missing; the build writes it at process-classes"
                + " (./mvnw process-classes)");
        ShellFiles.main(new String[] {dir.toString(), dev.lifeboat.Version.current()});
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Path built = BUILT.resolve(dir.relativize(file).toString());
                if (file.getFileName().toString().endsWith(".1")) {
                    // the build stamps its own version; the rest must match
                    assertEquals(withoutTitle(Files.readString(file)), withoutTitle(Files.readString(built)), built.toString());
                } else {
                    assertEquals(Files.readString(file), Files.readString(built), built.toString());
                }
            }
        }
    }

    @Test
    void completionsAndManPagesNameEveryCommandAndOption() throws IOException {
        String bash = Files.readString(BUILT.resolve("completions/lifeboat.bash"));
        String zsh = Files.readString(BUILT.resolve("completions/_lifeboat"));
        String fish = Files.readString(BUILT.resolve("completions/lifeboat.fish"));
        assertTrue(zsh.startsWith("#compdef lifeboat\n") && zsh.contains(bash), "zsh's file is bash's, for bashcompinit");
        List<String> missing = new ArrayList<>();
        for (CommandSpec command : commands()) {
            String path = command.qualifiedName();
            String bashFunction = section(bash, "function _picocli_" + path.replace(" ", "_").replace("-", "") + "() {",
                    "\n}\n");
            List<String> fishLines = fish.lines().filter(l -> l.contains("'__lifeboat_at " + path + "'")).toList();
            Path pageFile = BUILT.resolve("man/man1/" + command.qualifiedName("-") + ".1");
            String page = Files.exists(pageFile) ? Files.readString(pageFile) : "";
            if (page.isEmpty()) {
                missing.add("man page " + pageFile.getFileName());
            }
            for (CommandLine sub : command.subcommands().values()) {
                String name = sub.getCommandName();
                if (!bashFunction.contains(name)) {
                    missing.add("bash: " + path + " " + name);
                }
                if (fishLines.stream().noneMatch(l -> l.contains(" -a '" + name + "'"))) {
                    missing.add("fish: " + path + " " + name);
                }
                if (!(sub.getCommand() instanceof CommandLine.HelpCommand) && !page.contains("\\fB" + ManPages.text(name)
                        + "\\fR")) {
                    missing.add("man: " + path + " " + name);
                }
            }
            for (OptionSpec option : command.options()) {
                for (String name : option.names()) {
                    if (!bashFunction.contains(name)) {
                        missing.add("bash: " + path + " " + name);
                    }
                    String fishName = name.startsWith("--") ? " -l " + name.substring(2) : " -s " + name.substring(1);
                    if (fishLines.stream().noneMatch(l -> l.contains(fishName + " ") )) {
                        missing.add("fish: " + path + " " + name);
                    }
                    if (!page.contains("\\fB" + ManPages.text(name) + "\\fR")) {
                        missing.add("man: " + path + " " + name);
                    }
                }
            }
            for (PositionalParamSpec argument : command.positionalParameters()) {
                if (!page.contains("\\fI" + ManPages.text(argument.paramLabel()) + "\\fR")) {
                    missing.add("man: " + path + " " + argument.paramLabel());
                }
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void bashCompletesCommandsOptionsAndNestedCommands() {
        String script = BUILT.resolve("completions/lifeboat.bash").toAbsolutePath().toString();
        assertEquals("--repo --recipient --recipient-file", bash(script, "lifeboat", "backup", "--re"));
        assertEquals("config", bash(script, "lifeboat", "con"));
        assertEquals("--metrics-textfile", bash(script, "lifeboat", "run", "--me"));
        assertEquals("--quiet", bash(script, "lifeboat", "config", "check", "--qu"));
    }

    @Test
    void fishCompletesCommandsOptionsChoicesAndNestedCommands() {
        String script = BUILT.resolve("completions/lifeboat.fish").toAbsolutePath().toString();
        assertEquals(List.of("--recipient", "--recipient-file", "--repo"), fish(script, "lifeboat backup --re"));
        assertEquals(List.of("config"), fish(script, "lifeboat con"));
        assertEquals(List.of("gzip", "none", "zstd"), fish(script, "lifeboat backup --compress "));
        assertEquals(List.of("--pg-bin"), fish(script, "lifeboat verify --pg-b"), "engine flags are completed too");
        assertEquals(List.of("--quiet"), fish(script, "lifeboat config check --qu"));
        assertEquals(List.of("check"), fish(script, "lifeboat config "));
    }

    @Test
    void zshCompletesThroughBashcompinitInARealInteractiveShell() throws IOException {
        Tools.requireTool("zsh");
        Path functions = Files.createDirectories(dir.resolve("functions"));
        Files.copy(BUILT.resolve("completions/_lifeboat"), functions.resolve("_lifeboat"));
        Path test = Files.writeString(dir.resolve("complete.zsh"), """
                zmodload zsh/zpty
                zpty -b shell 'zsh -f -i'
                zpty -w shell 'PS1="> "; fpath=(%s $fpath); autoload -U compinit && compinit -u -D; lifeboat() { :; }'
                zpty -w -n shell $'lifeboat backup --reci\\t'
                seen=''
                for i in {1..100}; do
                  if zpty -rt shell chunk; then seen+=$chunk; else sleep 0.1; fi
                  [[ $seen == *recipient* && $seen == *'> '*recipient* ]] && break
                done
                print -r -- "$seen"
                zpty -d shell
                """.formatted(functions));
        Tools.Output out = Tools.run(List.of("zsh", "-f", test.toString()), Map.of("TERM", "dumb"), null);
        assertTrue(out.out().contains("--recipient"), out.out() + out.err());
        assertTrue(!out.out().contains("command not found"), out.out());
    }

    @Test
    void manPagesRenderWithoutAWarning() throws IOException {
        Tools.requireTool("groff");
        try (Stream<Path> pages = Files.list(BUILT.resolve("man/man1"))) {
            for (Path page : pages.toList()) {
                Tools.Output checked = Tools.run(List.of("groff", "-man", "-Tutf8", "-ww", "-z", page.toString()),
                        Map.of(), null);
                assertEquals(0, checked.exit(), page + ": " + checked.err());
                assertEquals("", checked.err(), page.toString());
            }
        }
        Tools.Output shown = Tools.run(List.of("man", "-l", BUILT.resolve("man/man1/lifeboat-backup.1").toString()),
                Map.of("MANWIDTH", "100", "MANPAGER", "cat", "PAGER", "cat"), null);
        assertTrue(shown.out().contains("lifeboat-backup - Back up a database"), shown.out());
        assertTrue(shown.out().contains("--repo REPO"), shown.out());
    }

    private static String bash(String script, String... words) {
        String line = String.join(" ", words);
        List<String> command = new ArrayList<>(List.of("bash", "-c", "source '" + script + "' 2>/dev/null;"
                + " COMP_WORDS=(\"$@\"); COMP_CWORD=$(( $# - 1 )); COMP_LINE=\"$*\"; COMP_POINT=${#COMP_LINE};"
                + " _complete_lifeboat 2>/dev/null; echo \"${COMPREPLY[*]}\"", "bash"));
        command.addAll(List.of(words));
        Tools.Output out = Tools.run(command, Map.of(), null);
        assertEquals(0, out.exit(), line + ": " + out.err());
        return out.out().strip();
    }

    private static List<String> fish(String script, String line) {
        Tools.Output out = Tools.run(List.of("fish", "--no-config", "-c", "source $argv[1]; complete -C $argv[2]",
                script, line), Map.of(), null);
        assertEquals(0, out.exit(), line + ": " + out.err());
        return out.out().lines().map(l -> l.split("\t")[0]).sorted().toList();
    }

    private static List<CommandSpec> commands() {
        List<CommandSpec> all = new ArrayList<>();
        collect(model.getCommandSpec(), all);
        return all;
    }

    private static void collect(CommandSpec command, List<CommandSpec> into) {
        if (!(command.userObject() instanceof CommandLine.HelpCommand)) {
            into.add(command);
        }
        command.subcommands().values().forEach(sub -> collect(sub.getCommandSpec(), into));
    }

    private static String section(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) {
            return "";
        }
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }

    private static String withoutTitle(String page) {
        return page.lines().filter(l -> !l.startsWith(".TH ")).reduce("", (a, b) -> a + b + "\n");
    }
}
