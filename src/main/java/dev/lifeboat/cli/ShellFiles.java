package dev.lifeboat.cli;

import dev.lifeboat.Version;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Writes the shell completions and manual pages from the command model; the build runs it
 * ({@code ShellFiles DIR VERSION}) so that they always match --help. The model is the whole tree
 * (a run builds only the command it names) with the engine flags, as every run adds them.
 */
public final class ShellFiles {
    private ShellFiles() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        String version = args.length > 1 ? args[1] : Version.current();
        try (Services services = new Services(Map.of(), InputStream.nullInputStream(), OutputStream.nullOutputStream())) {
            CommandLine model = model(services);
            Path completions = emptied(dir.resolve("completions"));
            String bash = AutoComplete.bash("lifeboat", model);
            Files.writeString(completions.resolve("lifeboat.bash"), bash);
            Files.writeString(completions.resolve("_lifeboat"), zsh(bash));
            Files.writeString(completions.resolve("lifeboat.fish"), FishCompletion.of(model));
            Path man = emptied(dir.resolve("man/man1"));
            for (Map.Entry<String, String> page : ManPages.of(model, version).entrySet()) {
                Files.writeString(man.resolve(page.getKey()), page.getValue());
            }
        }
    }

    /** The folder, without the files an earlier build wrote (a page of a command since removed). */
    private static Path emptied(Path folder) throws IOException {
        Files.createDirectories(folder);
        try (java.util.stream.Stream<Path> old = Files.list(folder)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        return folder;
    }

    /** Every command with every option, engine flags included. */
    static CommandLine model(Services services) {
        CommandLine model = Main.commandLine(new CommandFactory(services));
        EngineFlags.addTo(model, services.engines);
        return model;
    }

    /**
     * zsh's completion file: bash's, through zsh's bashcompinit (picocli's script sets that up when
     * zsh sources it). zsh runs the file as the body of {@code _lifeboat} on the first TAB; the
     * script then registers the bash function, and the last line completes that first TAB too. The
     * script's own {@code alias compopt=complete} comes too late for a body parsed as a whole, so
     * bash's {@code compopt} (whose options zsh has no use for) is stubbed first.
     */
    static String zsh(String bash) {
        return "#compdef lifeboat\n# zsh completion for lifeboat: the bash completion, through bashcompinit.\n"
                + "(( $+functions[compopt] )) || compopt() { return 0; }\n"
                + bash + "\n_bash_complete -F _complete_lifeboat -o default\n";
    }
}
