package dev.lifeboat.crypto;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The stock {@code age} and {@code age-keygen} CLIs (Debian package {@code age}). */
public record AgeCli(Cli cli) {
    /** A key made by age-keygen: the identity file and its public key. */
    public record Key(Path file, String publicKey) {
    }

    public AgeCli(Path workDir) {
        this(new Cli(workDir));
    }

    public Key keygen(String name) {
        Path file = cli.workDir().resolve(name);
        cli.ok(List.of("age-keygen", "-o", file.toString()));
        String publicKey = cli.ok(List.of("age-keygen", "-y", file.toString())).out().strip();
        return new Key(file, publicKey);
    }

    public void encrypt(List<String> recipients, Path in, Path out) {
        List<String> command = new ArrayList<>(List.of("age", "-o", out.toString()));
        recipients.forEach(r -> command.addAll(List.of("-r", r)));
        command.add(in.toString());
        cli.ok(command);
    }

    public Cli.Result decrypt(Path identity, Path in, Path out) {
        return cli.run(List.of("age", "-d", "-i", identity.toString(), "-o", out.toString(), in.toString()));
    }

    /**
     * age reads a passphrase from the terminal only, so it runs under {@code script}, which gives it
     * a pseudo-terminal fed from our stdin: the passphrase never appears on any command line.
     */
    public Cli.Result encryptWithPassphrase(String passphrase, Path in, Path out) {
        String twice = passphrase + "\n" + passphrase + "\n";
        return cli.onTerminal("age -p -o '" + out + "' '" + in + "'", twice);
    }

    public Cli.Result decryptWithPassphrase(String passphrase, Path in, Path out) {
        return cli.onTerminal("age -d -o '" + out + "' '" + in + "'", passphrase + "\n");
    }
}
