package dev.lifeboat.repository.sftp;

import java.io.Console;
import java.util.Optional;

/** Asks for a private key's passphrase when no variable holds it; empty when nobody can answer. */
@FunctionalInterface
public interface PassphrasePrompt {
    PassphrasePrompt NONE = question -> Optional.empty();

    /** The terminal, when there is one. */
    PassphrasePrompt TERMINAL = question -> {
        Console console = System.console();
        return !dev.lifeboat.Terminal.canPrompt() ? Optional.empty() : Optional.ofNullable(console.readPassword("%s: ", question));
    };

    Optional<char[]> ask(String question);
}
