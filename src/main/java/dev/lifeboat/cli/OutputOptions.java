package dev.lifeboat.cli;

import dev.lifeboat.Version;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code --quiet}, {@code --verbose} and {@code --json}, declared once on {@code lifeboat} and inherited by every
 * command. Quiet and verbose act on stderr only: stdout (results, listings, JSON, snapshots) never changes.
 * {@code --json} makes stdout one JSON document ({@link JsonOutput}) and sends every line for people to stderr.
 * Quiet drops the progress bar and the {@code note:} lines; warnings and errors always stay.
 * Verbose adds {@code debug:} lines: the version, JVM and folders in use, the stack trace of a
 * failure (as {@code LIFEBOAT_DEBUG=1} does) and the command's wall time.
 */
final class OutputOptions {
    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "No progress bar and no notes on stderr; warnings, errors and results still appear.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Debug lines on stderr: version,"
            + " JVM and folders in use, the stack trace of a failure, and the command's wall time.")
    boolean verbose;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print the result as one JSON document on"
            + " stdout (schema lifeboat/<kind>/v1, snake_case keys; a failure too, with error, exit_code and message);"
            + " everything else goes to stderr. The daemon writes JSON Lines.")
    boolean json;

    private JsonOutput jsonOutput;

    /**
     * Makes {@code cli} apply these options once its command line is parsed, before the command runs.
     * {@code stdout} is where a JSON document goes; under --json the command's own writer is stderr.
     */
    void install(CommandLine cli, Services services, PrintWriter stdout) {
        jsonOutput = new JsonOutput(stdout);
        cli.setExecutionStrategy(parsed -> execute(parsed, cli, services));
    }

    JsonOutput json() {
        return jsonOutput;
    }

    private int execute(CommandLine.ParseResult parsed, CommandLine root, Services services) {
        if (quiet && verbose) {
            throw new CommandLine.ParameterException(last(parsed).commandLine(), "--quiet and --verbose"
                    + " contradict each other");
        }
        if (quiet) {
            services.quiet();
            root.setErr(new PrintWriter(new WithoutNotes(root.getErr()), true));
        }
        boolean help = parsed.asCommandLineList().stream().anyMatch(c -> c.isUsageHelpRequested()
                || c.isVersionHelpRequested());
        if (json && !help) {
            jsonOutput.enable();
            root.setOut(root.getErr());
        }
        if (!verbose || help) {
            return finished(new CommandLine.RunLast().execute(parsed), parsed);
        }
        PrintWriter err = root.getErr();
        err.println("debug: lifeboat " + Version.current() + " on Java " + Runtime.version() + " ("
                + System.getProperty("java.vendor") + "), state folder " + services.stateDir() + ", scratch folder "
                + services.scratch.dir());
        long started = System.nanoTime();
        try {
            return finished(new CommandLine.RunLast().execute(parsed), parsed);
        } finally {
            err.println(String.format(Locale.ROOT, "debug: %s took %.2f s", last(parsed).qualifiedName(),
                    (System.nanoTime() - started) / 1e9));
        }
    }

    private int finished(int code, CommandLine.ParseResult parsed) {
        jsonOutput.finished(code, last(parsed).qualifiedName(" ").replaceFirst("^lifeboat ", ""));
        return code;
    }

    /** True when the command line that {@code cli} belongs to asked for --verbose. */
    static boolean verbose(CommandLine cli) {
        Object root = cli.getCommandSpec().root().userObject();
        return root instanceof Main main && main.output.verbose;
    }

    private static CommandLine.Model.CommandSpec last(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult deepest = parsed;
        while (deepest.hasSubcommand()) {
            deepest = deepest.subcommand();
        }
        return deepest.commandSpec();
    }

    /**
     * Passes stderr through except lines that start with {@code note: }, wherever they come from.
     * A line is held only until its first characters show it is no note, so prompts and partial
     * lines still appear at once.
     */
    private static final class WithoutNotes extends Writer {
        private static final String NOTE = "note: ";
        private final Writer err;
        private final StringBuilder start = new StringBuilder();
        private boolean passing;
        private boolean dropping;

        WithoutNotes(Writer err) {
            this.err = err;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            for (int i = offset; i < offset + length; i++) {
                char c = chars[i];
                if (passing) {
                    err.write(c);
                } else if (!dropping) {
                    start.append(c);
                    if (start.toString().equals(NOTE)) {
                        dropping = true;
                        start.setLength(0);
                    } else if (!NOTE.startsWith(start.toString()) || c == '\n') {
                        passing = true;
                        err.write(start.toString());
                        start.setLength(0);
                    }
                }
                if (c == '\n') {
                    passing = false;
                    dropping = false;
                }
            }
        }

        @Override
        public void flush() throws IOException {
            err.flush();
        }

        @Override
        public void close() throws IOException {
            err.write(start.toString());
            err.close();
        }
    }
}
