package dev.lifeboat.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * packaging/Dockerfile, read instruction by instruction (hadolint is not in Debian and this machine
 * builds no images): the final stage checks /health, runs as a fixed non-root UID that it creates,
 * carries OCI labels, and has the stock tools for restoring by hand.
 */
class DockerfileTest {
    private static final Path DOCKERFILE = Path.of("packaging/Dockerfile");

    @Test
    void theImageChecksHealthRunsAsAFixedUserAndCanRestoreByHand() throws IOException {
        List<String> stage = finalStage(instructions(Files.readString(DOCKERFILE)));

        String health = only(stage, "HEALTHCHECK");
        assertTrue(health.matches("HEALTHCHECK (--\\S+ )*CMD .*http://127\\.0\\.0\\.1:9810/health.*"), health);
        assertTrue(health.contains("curl -f"), "fails on a 503 (a stale job): " + health);

        Matcher user = Pattern.compile("USER (\\d+):(\\d+)").matcher(only(stage, "USER"));
        assertTrue(user.matches(), "a numeric user, so runAsNonRoot can check it: " + only(stage, "USER"));
        assertTrue(Integer.parseInt(user.group(1)) >= 1000, user.group());
        String run = String.join("\n", all(stage, "RUN"));
        assertTrue(run.contains("useradd --system --uid " + user.group(1) + " --gid " + user.group(2)), run);
        assertTrue(run.contains("groupadd --system --gid " + user.group(2)), run);

        String labels = String.join(" ", all(stage, "LABEL"));
        for (String key : List.of("title", "description", "version", "licenses")) {
            assertTrue(labels.contains("org.opencontainers.image." + key + "="), key + " in " + labels);
        }
        assertTrue(labels.contains("org.opencontainers.image.licenses=\"Apache-2.0\""), labels);
        Matcher install = Pattern.compile("apt-get install -y --no-install-recommends ([^&]+)").matcher(run);
        assertTrue(install.find(), run);
        List<String> packages = List.of(install.group(1).trim().split("\\s+"));
        assertTrue(packages.containsAll(List.of("age", "zstd", "sqlite3", "postgresql-client", "curl")), packages.toString());
        assertEquals("ENTRYPOINT [\"/usr/bin/lifeboat\"]", only(stage, "ENTRYPOINT"));
        assertTrue(String.join("\n", all(stage, "COPY")).contains("/usr/share/lifeboat/lifeboat.jar"), stage.toString());
    }

    /** The instructions, continuation lines joined and comments dropped. */
    private static List<String> instructions(String dockerfile) {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : dockerfile.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean continues = trimmed.endsWith("\\");
            current.append(continues ? trimmed.substring(0, trimmed.length() - 1).strip() : trimmed).append(' ');
            if (!continues) {
                instructions.add(current.toString().strip().replaceAll("\\s+", " "));
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static List<String> finalStage(List<String> instructions) {
        int from = 0;
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith("FROM ")) {
                from = i;
            }
        }
        return instructions.subList(from, instructions.size());
    }

    private static List<String> all(List<String> stage, String keyword) {
        return stage.stream().filter(i -> i.startsWith(keyword + " ")).toList();
    }

    private static String only(List<String> stage, String keyword) {
        List<String> found = all(stage, keyword);
        assertEquals(1, found.size(), keyword + " in " + stage);
        return found.get(0);
    }
}
