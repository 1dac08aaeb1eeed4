package dev.lifeboat.repository.sftp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who the client trusts (host keys, fingerprints) and how it proves who it is (key file, passphrase, agent). */
class SftpTrustTest {
    private static InJvmSftpServer server;
    @TempDir
    Path temp;

    @BeforeAll
    static void startServer() throws Exception {
        server = new InJvmSftpServer();
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private static LifeboatException refused(String url, Map<String, String> env) {
        return assertThrows(LifeboatException.class, () -> {
            try (SftpStore store = SftpStore.open(url, env, PassphrasePrompt.NONE)) {
                store.list("");
            }
        });
    }

    private static void works(String url, Map<String, String> env, PassphrasePrompt prompt) throws Exception {
        try (SftpStore store = SftpStore.open(url, env, prompt)) {
            String key = "proof-" + java.util.UUID.randomUUID();
            assertTrue(store.putIfAbsent(key, new byte[] {1}));
            assertEquals(1, store.stat(key).orElseThrow().size());
        }
    }

    private String url() {
        return server.url("trust-" + temp.getFileName(), "retries=0");
    }

    @Test
    void anUnknownHostIsRefusedWithTheFixAndNothingIsWrittenToKnownHosts() throws Exception {
        Path knownHosts = Files.writeString(temp.resolve("known_hosts"), "");
        Map<String, String> env = server.env();
        env.put(SftpStore.KNOWN_HOSTS, knownHosts.toString());
        LifeboatException e = refused(url(), env);
        assertEquals(ExitCode.REPOSITORY, e.exitCode());
        String fingerprint = KeyUtils.getFingerPrint(server.hostKey());
        assertTrue(e.getMessage().startsWith("the host key of 127.0.0.1:" + server.port() + " is not in " + knownHosts),
                e.getMessage());
        assertTrue(e.getMessage().contains("ssh-keyscan -p " + server.port() + " 127.0.0.1")
                && e.getMessage().contains("?fingerprint=" + fingerprint), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals("", Files.readString(knownHosts), "an unknown host is never added");

        env.put(SftpStore.KNOWN_HOSTS, temp.resolve("missing").toString());
        assertTrue(refused(url(), env).getMessage().contains("(no such file)"));
    }

    @Test
    void aChangedHostKeyIsRefusedAsPossibleInterception() throws Exception {
        KeyPair impostor = KeyUtils.generateKeyPair("ssh-ed25519", 256);
        Path knownHosts = Files.writeString(temp.resolve("known_hosts"),
                server.knownHostsLine(impostor.getPublic()) + "\n");
        Map<String, String> env = server.env();
        env.put(SftpStore.KNOWN_HOSTS, knownHosts.toString());
        LifeboatException e = refused(url(), env);
        assertTrue(e.getMessage().contains("has CHANGED") && e.getMessage().contains("intercepting")
                && e.getMessage().contains("ssh-keygen -R \"[127.0.0.1]:" + server.port() + "\""), e.getMessage());
    }

    @Test
    void aRevokedHostKeyIsRefused() throws Exception {
        Path knownHosts = Files.writeString(temp.resolve("known_hosts"),
                "@revoked " + server.knownHostsLine(server.hostKey()) + "\n");
        Map<String, String> env = server.env();
        env.put(SftpStore.KNOWN_HOSTS, knownHosts.toString());
        assertTrue(refused(url(), env).getMessage().contains("@revoked"));
    }

    @Test
    void aHashedKnownHostsEntryAsOpenSshWritesItIsAccepted() throws Exception {
        dev.lifeboat.testing.Tools.requireTool("ssh-keygen");
        Path knownHosts = Files.copy(server.knownHosts(), temp.resolve("known_hosts"));
        Process hash = new ProcessBuilder("ssh-keygen", "-H", "-f", knownHosts.toString()).redirectErrorStream(true)
                .start();
        assertTrue(hash.waitFor(30, TimeUnit.SECONDS) && hash.exitValue() == 0, "ssh-keygen hashes known_hosts");
        assertTrue(Files.readString(knownHosts).startsWith("|1|"), "the host name is hashed");
        Map<String, String> env = server.env();
        env.put(SftpStore.KNOWN_HOSTS, knownHosts.toString());
        works(url(), env, PassphrasePrompt.NONE);
    }

    @Test
    void theRightFingerprintIsEnoughWithoutKnownHosts() throws Exception {
        Map<String, String> env = server.env();
        env.put(SftpStore.KNOWN_HOSTS, temp.resolve("none").toString());
        String fingerprint = KeyUtils.getFingerPrint(server.hostKey());
        assertTrue(fingerprint.startsWith("SHA256:"));
        works(url() + "&fingerprint=" + fingerprint, env, PassphrasePrompt.NONE);
    }

    @Test
    void aWrongFingerprintIsRefusedEvenForAKnownHost() throws Exception {
        String wrong = KeyUtils.getFingerPrint(KeyUtils.generateKeyPair("ssh-ed25519", 256).getPublic());
        LifeboatException e = refused(url() + "&fingerprint=" + wrong, server.env());
        assertTrue(e.getMessage().contains("not the fingerprint= in the repository URL")
                && e.getMessage().contains(KeyUtils.getFingerPrint(server.hostKey())), e.getMessage());
    }

    @Test
    void aKeyTheServerDoesNotKnowIsRefusedWithTheFix() throws Exception {
        Path stranger = InJvmSftpServer.writeKey(temp.resolve("id_stranger"),
                KeyUtils.generateKeyPair("ssh-ed25519", 256), null);
        Map<String, String> env = server.env();
        env.put(SftpIdentities.KEY_FILE, stranger.toString());
        LifeboatException e = refused(url(), env);
        assertEquals(ExitCode.REPOSITORY, e.exitCode());
        assertEquals("127.0.0.1:" + server.port() + " refused the key in " + stranger + " (LIFEBOAT_SFTP_KEY_FILE) for"
                + " user 'lifeboat'; add the public key to ~lifeboat/.ssh/authorized_keys on the server, or point"
                + " LIFEBOAT_SFTP_KEY_FILE at the right key", e.getMessage());
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Map<String, String> env = server.env();
        env.put(SftpIdentities.KEY_FILE, temp.resolve("id_missing").toString());
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> SftpStore.open(url(), env, PassphrasePrompt.NONE));
        assertTrue(e.getMessage().startsWith(temp.resolve("id_missing") + " does not exist"), e.getMessage());
    }

    @Test
    void aProtectedKeyOpensWithThePassphraseFromTheVariableOrTheTerminal() throws Exception {
        String secret = "correct horse battery staple";
        Path key = InJvmSftpServer.writeKey(temp.resolve("id_protected"), server.clientKey(), secret);
        Map<String, String> env = server.env();
        env.put(SftpIdentities.KEY_FILE, key.toString());

        LifeboatException noWay = assertThrows(LifeboatException.class,
                () -> SftpStore.open(url(), env, PassphrasePrompt.NONE));
        assertTrue(noWay.getMessage().contains("is protected by a passphrase; set LIFEBOAT_SFTP_KEY_PASSPHRASE or run"
                + " lifeboat in a terminal"), noWay.getMessage());

        works(url(), env, question -> Optional.of(secret.toCharArray()));

        env.put(SftpIdentities.PASSPHRASE, "wrong " + secret);
        LifeboatException wrong = assertThrows(LifeboatException.class,
                () -> SftpStore.open(url(), env, PassphrasePrompt.NONE));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong.getMessage());
        for (Throwable t = wrong; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "the passphrase is never in a message");
        }

        env.put(SftpIdentities.PASSPHRASE, secret);
        works(url(), env, PassphrasePrompt.NONE);
    }

    @Test
    void withoutAKeyFileTheDefaultKeysInHomeAreUsed() throws Exception {
        Path home = Files.createDirectories(temp.resolve("home"));
        Map<String, String> env = server.env();
        env.remove(SftpIdentities.KEY_FILE);
        env.put("HOME", home.toString());
        LifeboatException none = assertThrows(LifeboatException.class,
                () -> SftpStore.open(url(), env, PassphrasePrompt.NONE));
        assertTrue(none.getMessage().startsWith("no SSH key to log in to 127.0.0.1:" + server.port()),
                none.getMessage());

        InJvmSftpServer.writeKey(Files.createDirectories(home.resolve(".ssh")).resolve("id_ed25519"),
                server.clientKey(), null);
        works(url(), env, PassphrasePrompt.NONE);
    }

    @Test
    void theSshAgentLogsIn() throws Exception {
        dev.lifeboat.testing.Tools.requireTool("ssh-agent");
        Path socket = temp.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .start();
        try {
            for (int i = 0; i < 100 && !Files.exists(socket); i++) {
                Thread.sleep(50);
            }
            Map<String, String> env = server.env();
            env.remove(SftpIdentities.KEY_FILE);
            env.put(SftpIdentities.AGENT, socket.toString());
            LifeboatException empty = assertThrows(LifeboatException.class,
                    () -> SftpStore.open(url(), env, PassphrasePrompt.NONE));
            assertTrue(empty.getMessage().contains("holds no keys"), empty.getMessage());

            ProcessBuilder add = new ProcessBuilder("ssh-add", server.keyFile().toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", socket.toString());
            Process adding = add.start();
            assertTrue(adding.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, adding.exitValue(), new String(adding.getInputStream().readAllBytes()));
            works(url(), env, PassphrasePrompt.NONE);
        } finally {
            agent.destroy();
            agent.waitFor(10, TimeUnit.SECONDS);
        }
        Map<String, String> gone = server.env();
        gone.remove(SftpIdentities.KEY_FILE);
        gone.put(SftpIdentities.AGENT, socket.toString());
        LifeboatException e = assertThrows(LifeboatException.class,
                () -> SftpStore.open(url(), gone, PassphrasePrompt.NONE));
        assertTrue(e.getMessage().startsWith("cannot reach ssh-agent at " + socket), e.getMessage());
    }

    @Test
    void onlyPublicKeyLoginIsOffered() {
        LifeboatException e = assertThrows(LifeboatException.class, () -> SftpLocation.parse(
                "sftp://lifeboat:hunter2@127.0.0.1/x", "me"));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertFalse(e.getMessage().contains("hunter2"));
        assertTrue(List.of(e.getMessage().split(";")).size() > 1);
    }
}
