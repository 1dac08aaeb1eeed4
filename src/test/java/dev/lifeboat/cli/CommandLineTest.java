package dev.lifeboat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.testing.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help and usage errors at every level, now that a run builds only the command it names. */
class CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void everyCommandAndSubcommandHasHelp() {
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.Result backup = cli.run("backup", "--help");
        assertEquals(0, backup.exit(), backup.toString());
        assertTrue(backup.out().startsWith("Usage: lifeboat backup "), backup.out());
        Cli.Result rebuild = cli.run("catalog", "rebuild", "--help");
        assertEquals(0, rebuild.exit(), rebuild.toString());
        assertTrue(rebuild.out().startsWith("Usage: lifeboat catalog rebuild "), rebuild.out());
        Cli.Result help = cli.run("help", "restore");
        assertEquals(0, help.exit(), help.toString());
        assertTrue(help.out().startsWith("Usage: lifeboat restore "), help.out());
    }

    @Test
    void usageErrorsPointAtTheHelpOfTheCommandThatFailed() {
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.assertOneLineFailure(cli.run("catalog", "rebuild", "--bogus"), ExitCode.USAGE,
                "Unknown option: '--bogus'; see 'lifeboat catalog rebuild --help'");
        Cli.assertOneLineFailure(cli.run("bakup"), ExitCode.USAGE, "'bakup'", "see 'lifeboat --help'");
        Cli.Result nothing = cli.run();
        assertEquals(ExitCode.USAGE.code(), nothing.exit());
        assertTrue(nothing.err().contains("say what to do: backup, list, cat, verify, restore"), nothing.err());
        Cli.Result all = cli.run("--help");
        assertTrue(all.out().contains("daemon") && all.out().contains("rekey-sqlcipher"), all.out());
    }

    @Test
    void theVersionAloneIsAnsweredAsPicocliAnswersIt() {
        Cli cli = new Cli(dir.resolve("scratch"));
        Cli.Result picocli = cli.run("--quiet", "--version");
        assertEquals(0, picocli.exit(), picocli.toString());
        assertTrue(picocli.out().startsWith("lifeboat "), picocli.out());
        for (String flag : new String[] {"--version", "-V"}) {
            Cli.Result alone = cli.run(flag);
            assertEquals(0, alone.exit(), alone.toString());
            assertEquals(picocli.out(), alone.out());
            assertEquals("", alone.err());
        }
    }
}
