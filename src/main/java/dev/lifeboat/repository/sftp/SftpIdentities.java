package dev.lifeboat.repository.sftp;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.sshd.agent.SshAgentFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * The keys that log in, from the command's environment: the key file in
 * {@value #KEY_FILE} alone when it is set; else the ssh-agent at {@value #AGENT}; else the
 * default key files {@code ~/.ssh/id_ed25519}, {@code id_ecdsa}, {@code id_rsa}. A protected key's
 * passphrase comes from {@value #PASSPHRASE} or the terminal. Keys are loaded up front, so that a
 * missing file or a wrong passphrase is reported before any connection is made.
 *
 * @param description what was offered, for the message when the server refuses it
 */
record SftpIdentities(KeyIdentityProvider keys, Optional<SshAgentFactory> agent, String description) {
    static final String KEY_FILE = "LIFEBOAT_SFTP_KEY_FILE";
    static final String PASSPHRASE = "LIFEBOAT_SFTP_KEY_PASSPHRASE";
    static final String AGENT = "SSH_AUTH_SOCK";
    private static final List<String> DEFAULT_KEYS = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    static SftpIdentities resolve(SftpLocation location, Map<String, String> env, PassphrasePrompt prompt) {
        String keyFile = env.get(KEY_FILE);
        if (keyFile != null && !keyFile.isEmpty()) {
            Path file = Path.of(keyFile);
            return new SftpIdentities(KeyIdentityProvider.wrapKeyPairs(load(file, env, prompt)), Optional.empty(),
                    "the key in " + file + " (" + KEY_FILE + ")");
        }
        String socket = env.get(AGENT);
        if (socket != null && !socket.isEmpty()) {
            return new SftpIdentities(KeyIdentityProvider.EMPTY_KEYS_PROVIDER,
                    Optional.of(AgentSocket.factory(checkedAgent(Path.of(socket)))), "the keys in ssh-agent");
        }
        Path sshDir = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".ssh");
        List<KeyPair> keys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : DEFAULT_KEYS) {
            Path file = sshDir.resolve(name);
            if (Files.isRegularFile(file)) {
                keys.addAll(load(file, env, prompt));
                names.add(file.toString());
            }
        }
        if (keys.isEmpty()) {
            throw new LifeboatException(ExitCode.REPOSITORY, "no SSH key to log in to " + location.server()
                    + "; set " + KEY_FILE + " to a private key file, or start ssh-agent and add a key (ssh-add)");
        }
        return new SftpIdentities(KeyIdentityProvider.wrapKeyPairs(keys), Optional.empty(),
                "the keys in " + String.join(", ", names));
    }

    private static Path checkedAgent(Path socket) {
        int keys;
        try {
            keys = AgentSocket.keyCount(socket);
        } catch (IOException e) {
            throw new LifeboatException(ExitCode.REPOSITORY, "cannot reach ssh-agent at " + socket + " ("
                    + AGENT + "); start the agent, or unset " + AGENT + " and set " + KEY_FILE, e);
        }
        if (keys == 0) {
            throw new LifeboatException(ExitCode.REPOSITORY, "ssh-agent at " + socket + " holds no keys; add one"
                    + " with ssh-add, or set " + KEY_FILE + " to a private key file");
        }
        return socket;
    }

    private static List<KeyPair> load(Path file, Map<String, String> env, PassphrasePrompt prompt) {
        FilePasswordProvider passwords = (session, resource, retry) -> passphrase(file, env, prompt);
        List<KeyPair> keys = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> loaded = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()),
                    in, passwords);
            if (loaded != null) {
                loaded.forEach(keys::add);
            }
        } catch (NoSuchFileException e) {
            throw keyProblem(file + " does not exist; set " + KEY_FILE + " to your private key file", e);
        } catch (AccessDeniedException e) {
            throw keyProblem("cannot read the private key " + file + " (permission denied); run lifeboat as its"
                    + " owner or fix its permissions", e);
        } catch (LifeboatException e) {
            throw e;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw keyProblem("cannot read the private key " + file + ": wrong passphrase, or not an OpenSSH or PEM"
                    + " private key; check " + PASSPHRASE + " and the file", e);
        }
        if (keys.isEmpty()) {
            throw keyProblem(file + " holds no private key; set " + KEY_FILE + " to a private key file (not the"
                    + " .pub one)", null);
        }
        return keys;
    }

    private static String passphrase(Path file, Map<String, String> env, PassphrasePrompt prompt) {
        String value = env.get(PASSPHRASE);
        if (value != null && !value.isEmpty()) {
            return value;
        }
        return prompt.ask("Passphrase for " + file).map(String::new).orElseThrow(() -> keyProblem("the private key "
                + file + " is protected by a passphrase; set " + PASSPHRASE + " or run lifeboat in a terminal", null));
    }

    private static LifeboatException keyProblem(String message, Throwable cause) {
        return new LifeboatException(ExitCode.REPOSITORY, message, cause);
    }
}
