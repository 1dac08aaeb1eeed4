package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --quiet and --verbose, on every command: what each adds or drops on stderr, and what neither touches. */
class OutputConventionsTest {
    /** A public key whose identity was thrown away: the first backup with it pins the repository, with a note. */
    private static final String RECIPIENT = "age1c8dxck7nama9eg2s5tpzrqyj7sqa9gds7xlk9zy72q002r59c4wsqzgnwh";

    @TempDir
    Path dir;

    @Test
    void quietDropsNotesButNeverWarningsOrResults() throws Exception {
        Path unusableState = Files.writeString(dir.resolve("not-a-folder"), "");
        Cli cli = new Cli(dir.resolve("scratch")).env("LIFEBOAT_STATE_DIR", unusableState.toString());

        Cli.Result plain = cli.run("backup", "examples/shop.db", "--repo", dir.resolve("one").toString(),
                "--recipient", RECIPIENT);
        Cli.Result quiet = cli.run("backup", "examples/shop.db", "--repo", dir.resolve("two").toString(),
                "--recipient", RECIPIENT, "--quiet");

        assertEquals(0, plain.exit(), plain.toString());
        assertEquals(0, quiet.exit(), quiet.toString());
        assertTrue(plain.err().contains("note: " + dir.resolve("one") + " now keeps its backups encrypted"), plain.err());
        assertTrue(plain.err().contains("warning: "), "the unusable catalog is a warning: " + plain.err());
        assertFalse(quiet.err().contains("note:"), quiet.err());
        assertEquals(plain.err().lines().filter(l -> l.startsWith("warning: ")).count(),
                quiet.err().lines().filter(l -> l.startsWith("warning: ")).count(), quiet.err());
        assertEquals(plain.out().lines().count(), quiet.out().lines().count(), "stdout is the same: " + quiet.out());
        assertTrue(quiet.out().startsWith("backup "), quiet.out());
    }

    @Test
    void quietNeverHidesAFailure() {
        Cli.assertOneLineFailure(new Cli(dir.resolve("scratch")).run("list", "--repo", dir.resolve("none").toString(),
                "-q"), ExitCode.NOT_FOUND, "no Lifeboat repository at " + dir.resolve("none"));
    }

    @Test
    void verboseSaysWhatRanWhereForHowLongAndWhyItFailed() {
        Cli.Result result = new Cli(dir.resolve("scratch")).run("list", "--repo", dir.resolve("none").toString(),
                "--verbose");

        assertEquals(ExitCode.NOT_FOUND.code(), result.exit(), result.toString());
        assertTrue(result.err().startsWith("debug: lifeboat " + dev.lifeboat.Version.current() + " on Java "),
                result.err());
        assertTrue(result.err().contains("scratch folder " + dir.resolve("scratch")), result.err());
        assertTrue(result.err().contains("\tat dev.lifeboat."), "the stack trace: " + result.err());
        assertTrue(result.err().matches("(?s).*debug: lifeboat list took \\d+\\.\\d\\d s\n.*"), result.err());
        assertTrue(result.err().lines().anyMatch(l -> l.startsWith("lifeboat: no Lifeboat repository at ")),
                result.err());
    }

    @Test
    void quietAndVerboseAreEveryCommandsButNotTogether() {
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.assertOneLineFailure(cli.run("history", "-q", "-v"), ExitCode.USAGE,
                "--quiet and --verbose contradict each other; see 'lifeboat history --help'");
        Cli.Result nested = cli.run("config", "check", "--quiet", "--config", dir.resolve("none.yaml").toString());
        assertFalse(nested.err().contains("Unknown option"), nested.err());
        Cli.Result before = cli.run("--verbose", "history");
        assertEquals(0, before.exit(), before.toString());
        assertTrue(before.err().contains("debug: lifeboat history took "), before.err());
    }
}
