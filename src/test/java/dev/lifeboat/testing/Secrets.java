package dev.lifeboat.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Checks that what a command printed holds no secret. */
public final class Secrets {
    private Secrets() {
    }

    public static void assertAbsent(Cli.Result result, String... secrets) {
        for (String secret : secrets) {
            assertFalse(result.out().contains(secret) || result.err().contains(secret)
                    || result.stdoutText().contains(secret), "a secret was printed:\n" + result);
        }
    }
}
