package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.NativeLibraries;
import dev.lifeboat.Version;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lifeboat} command: thin commands on top of the orchestration packages. */
@Command(name = "lifeboat", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.VersionProvider.class, description = "Database backups that are proven to restore.")
public final class Main implements Runnable {
    private static final List<Class<?>> COMMANDS = List.of(BackupCommand.class, ListCommand.class,
            CatCommand.class, VerifyCommand.class, RestoreCommand.class, PruneCommand.class, UnlockCommand.class,
            HistoryCommand.class, CatalogCommand.class, RekeyCommand.class, CopyCommand.class,
            RekeySqlcipherCommand.class, ConfigCommand.class, RunCommand.class, DaemonCommand.class,
            WalPushCommand.class, WalFetchCommand.class, WalCommand.class,
            CommandLine.HelpCommand.class);

    /** Commands that read only a repository: no database, no catalog, so no native library to warm up. */
    private static final java.util.Set<Class<?>> REPOSITORY_ONLY = java.util.Set.of(ListCommand.class,
            UnlockCommand.class);
    /** PostgreSQL's archive and restore commands: the pipeline without SQLite, started once per WAL file. */
    private static final java.util.Set<Class<?>> WAL_ONLY = java.util.Set.of(WalPushCommand.class,
            WalFetchCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin
    OutputOptions output;

    public static void main(String[] args) {
        Optional<Class<?>> named = versionOnly(args) ? Optional.empty() : namedCommand(args);
        if (named.isPresent()) {
            // help, version and mistakes need no native library
            NativeWarmUp.start(new NativeLibraries(Services.stateDir(System.getenv()).resolve("native")),
                    REPOSITORY_ONLY.contains(named.get()) ? NativeWarmUp.Needs.REPOSITORY
                            : WAL_ONLY.contains(named.get()) ? NativeWarmUp.Needs.PIPELINE : NativeWarmUp.Needs.DATABASES);
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(System.getenv(), System.in, new FileOutputStream(FileDescriptor.out), out, err, args));
    }

    /**
     * Runs one command line and returns its exit status; never exits the JVM.
     *
     * @param stdin where keys given with --pgp-private-key-stdin come from
     * @param stdout where binary output (such as 'cat') goes
     */
    public static int run(Map<String, String> env, InputStream stdin, OutputStream stdout, PrintWriter out,
                          PrintWriter err, String... args) {
        if (versionOnly(args)) {
            out.println(VersionProvider.line());
            return ExitCode.OK.code();
        }
        try (Services services = new Services(env, stdin, stdout)) {
            CommandLine cli = commandLine(new CommandFactory(services), args);
            EngineFlags.addTo(cli, services.engines);
            ((Main) cli.getCommand()).output.install(cli, services, out);
            return run(cli, out, err, args);
        }
    }

    /**
     * The command tree for {@code args}. picocli models every option of every command it is given,
     * which costs more start-up than most runs need, so a run that names one command gets only
     * that one; help, version and mistakes get them all, for their listings and suggestions.
     */
    static CommandLine commandLine(CommandLine.IFactory factory, String... args) {
        CommandLine cli = new CommandLine(new Main(), factory);
        Optional<Class<?>> named = namedCommand(args);
        for (Class<?> command : COMMANDS) {
            if (named.isEmpty() || named.get() == command) {
                cli.addSubcommand(command);
            }
        }
        return cli;
    }

    /**
     * {@code lifeboat --version} alone, answered before picocli reads any annotation or builds a
     * model (what picocli answers, with a tenth of a second less start-up; scripts ask it often).
     */
    private static boolean versionOnly(String... args) {
        return args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
    }

    /** The command whose work {@code args} asks for; empty for help, version and unknown words. */
    private static Optional<Class<?>> namedCommand(String... args) {
        String first = args.length == 0 ? "" : args[0];
        return COMMANDS.stream().filter(c -> name(c).equals(first) && c != CommandLine.HelpCommand.class)
                .findFirst();
    }

    private static String name(Class<?> command) {
        return command.getAnnotation(Command.class).name();
    }

    private static int run(CommandLine cli, PrintWriter out, PrintWriter err, String... args) {
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(Main::failed);
        cli.setParameterExceptionHandler(Main::badUsage);
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: "
                + String.join(", ", spec.subcommands().keySet()));
    }

    private static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        ExitCode exit;
        String message;
        if (e instanceof LifeboatException failure) {
            exit = failure.exitCode();
            message = failure.getMessage();
        } else if (e instanceof java.io.IOException io) {
            exit = ExitCode.FAILURE;
            message = ioFailure(io);
        } else {
            exit = ExitCode.FAILURE;
            message = "unexpected " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "; rerun with LIFEBOAT_DEBUG=1 and report it";
        }
        cli.getErr().println("lifeboat: " + message);
        debug(cli, e);
        JsonOutput json = JsonOutput.of(cli.getCommandSpec());
        if (json.enabled()) {
            json.failed(exit, message);
        }
        return exit.code();
    }

    /**
     * An I/O failure no layer turned into its own line is still the machine's, not a bug: say which
     * file and what the system said, and what to check.
     */
    static String ioFailure(java.io.IOException e) {
        if (dev.lifeboat.NoSpace.isCause(e)) {
            return "no space left on the device (" + e.getMessage() + "); free some space and try again";
        }
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return missing.getFile() + " does not exist; check the path";
        }
        if (e instanceof java.nio.file.AccessDeniedException denied) {
            return "permission denied on " + denied.getFile() + "; run as a user who may use it, or fix its"
                    + " permissions";
        }
        if (e instanceof java.nio.file.FileSystemException fs) {
            return "cannot use " + fs.getFile() + (fs.getReason() == null ? "" : " (" + fs.getReason() + ")")
                    + "; check the path, its permissions and the disk";
        }
        return "input/output failed (" + e.getMessage() + "); check the paths, permissions and disks involved,"
                + " and rerun with LIFEBOAT_DEBUG=1 for details";
    }

    private static void debug(CommandLine cli, Exception e) {
        if (System.getenv("LIFEBOAT_DEBUG") != null || OutputOptions.verbose(cli)) {
            e.printStackTrace(cli.getErr());
        }
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        String message = e.getMessage() + "; see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'";
        err.println("lifeboat: " + message);
        JsonOutput json = JsonOutput.of(e.getCommandLine().getCommandSpec());
        // A command line that did not parse may not have set --json; the word itself still asks for it.
        if (json.enabled() || java.util.Arrays.asList(args).contains("--json")) {
            json.enable();
            json.failed(ExitCode.USAGE, message);
        }
        return ExitCode.USAGE.code();
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {line()};
        }

        static String line() {
            return "lifeboat " + Version.current();
        }
    }
}
