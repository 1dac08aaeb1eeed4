package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.manifest.Manifest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Manifest and descriptor parsing under random and mutated input: the only outcomes are a value
 * that passed every check, or Lifeboat's own one-line refusal; never another exception.
 */
class StoredManifestsFuzzTest {
    private static final long SEED = 20261202L;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "20261122T031345Z-1a2b3c";
    static final String MANIFEST = """
            {"format":1,"id":"20261122T031345Z-1a2b3c","name":"app","purpose":"backup",
             "source":{"kind":"sqlite","location":"/srv/app.db"},
             "startedAt":"2026-11-22T03:13:45Z","finishedAt":"2026-11-22T03:13:46Z","durationMillis":812,
             "object":"snapshot.sqlite.zst.age",
             "seal":{"plainSize":4096,"plainSha256":"%s","storedSize":1000,"storedSha256":"%s"},
             "compression":{"algorithm":"zstd","level":3},
             "encryption":{"scheme":"age","recipients":["age1xyz"]},
             "facts":{"engine":"sqlite","engineVersion":"3.46","tableRows":{"customers":200},"properties":{}},
             "lifeboatVersion":"0.1","host":"h","alarms":[]}
            """.formatted("a".repeat(64), "b".repeat(64));
    static final String DESCRIPTOR = """
            {"kind":"lifeboat-repository","format":1,"id":"0b9f4e52-3c1e-4a57-9a57-2f0c1d7e9b10",
             "createdAt":"2026-11-22T03:13:45Z","pinnedEncryption":null}
            """;

    @Test
    void theGenuineOnesParse() throws Exception {
        Manifest m = StoredManifests.parse(MANIFEST.getBytes(StandardCharsets.UTF_8), ID);
        assertEquals("snapshot.sqlite.zst.age", m.object());
        assertEquals(1, Descriptors.parse(DESCRIPTOR.getBytes(StandardCharsets.UTF_8), "d").format());
        assertRefused(() -> StoredManifests.parse(MANIFEST.getBytes(StandardCharsets.UTF_8), "20261122T031345Z-ffffff"));
    }

    @Test
    void randomAndMutatedManifestsAreParsedOrRefusedInOneLine() throws Exception {
        Random random = new Random(SEED);
        JsonNode genuine = JSON.readTree(MANIFEST);
        int parsed = 0;
        for (int i = 0; i < 4000; i++) {
            byte[] input = switch (i % 4) {
                case 0 -> mutateBytes(MANIFEST.getBytes(StandardCharsets.UTF_8), random);
                case 1 -> JSON.writeValueAsBytes(mutateTree(genuine.deepCopy(), random));
                case 2 -> randomBytes(random);
                default -> nested(random.nextInt(3000));
            };
            try {
                Manifest m = StoredManifests.parse(input, ID);
                parsed++;
                assertTrue(StoredNames.isObjectName(m.object()) && ID.equals(m.id()) && m.seal() != null
                        && m.source() != null && m.facts() != null, "seed " + SEED + ", case " + i);
            } catch (StoredManifests.Damaged e) {
                assertOneLine(e.getMessage(), i);
            } catch (Throwable e) {
                fail("seed " + SEED + ", case " + i + ": " + e + " for " + new String(input, StandardCharsets.UTF_8));
            }
        }
        assertTrue(parsed > 0, "some mutations keep a manifest valid (e.g. a changed row count)");
    }

    @Test
    void randomAndMutatedDescriptorsAreParsedOrRefusedWithExitFour() throws Exception {
        Random random = new Random(SEED);
        JsonNode genuine = JSON.readTree(DESCRIPTOR);
        for (int i = 0; i < 3000; i++) {
            byte[] input = switch (i % 3) {
                case 0 -> mutateBytes(DESCRIPTOR.getBytes(StandardCharsets.UTF_8), random);
                case 1 -> JSON.writeValueAsBytes(mutateTree(genuine.deepCopy(), random));
                default -> randomBytes(random);
            };
            try {
                RepositoryDescriptor d = Descriptors.parse(input, "/repo/lifeboat-repository.json");
                assertEquals(RepositoryDescriptor.KIND, d.kind());
            } catch (LifeboatException e) {
                assertEquals(ExitCode.REPOSITORY, e.exitCode(), "case " + i);
                assertTrue(e.getMessage().contains("/repo/lifeboat-repository.json"), e.getMessage());
                assertOneLine(e.getMessage(), i);
            } catch (Throwable e) {
                fail("seed " + SEED + ", case " + i + ": " + e);
            }
        }
    }

    private static void assertOneLine(String message, int i) {
        assertFalse(message == null || message.isBlank(), "case " + i);
        assertEquals(1, message.lines().count(), "case " + i + ": " + message);
        assertTrue(message.length() < 600, "case " + i + ": " + message);
    }

    private static void assertRefused(Attempt attempt) {
        try {
            attempt.run();
            fail("accepted");
        } catch (StoredManifests.Damaged e) {
            assertTrue(e.getMessage().contains("id"), e.getMessage());
        }
    }

    private interface Attempt {
        void run() throws StoredManifests.Damaged;
    }

    private static byte[] mutateBytes(byte[] original, Random random) {
        byte[] bytes = original.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(3)) {
                case 0 -> bytes[at] = (byte) random.nextInt(256);
                case 1 -> bytes = java.util.Arrays.copyOf(bytes, at);
                default -> {
                    byte[] longer = new byte[bytes.length + 1];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    String noise = "{}[]\",:\\0\n\u0000";
                    longer[at] = (byte) noise.charAt(random.nextInt(noise.length()));
                    System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                    bytes = longer;
                }
            }
            if (bytes.length == 0) {
                return bytes;
            }
        }
        return bytes;
    }

    /** Replaces, removes or retypes one field somewhere in the tree. */
    private static JsonNode mutateTree(JsonNode root, Random random) {
        List<ObjectNode> objects = new ArrayList<>();
        collect(root, objects);
        ObjectNode target = objects.get(random.nextInt(objects.size()));
        List<String> names = new ArrayList<>();
        target.fieldNames().forEachRemaining(names::add);
        if (names.isEmpty()) {
            target.put("x", 1);
            return root;
        }
        String field = names.get(random.nextInt(names.size()));
        JsonNodeFactory f = JsonNodeFactory.instance;
        JsonNode replacement = switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> f.nullNode();
            case 2 -> f.numberNode(random.nextLong());
            case 3 -> f.textNode("../../../etc/passwd");
            case 4 -> f.textNode("/" + "a".repeat(random.nextInt(500)));
            case 5 -> f.arrayNode().add(1);
            case 6 -> f.objectNode();
            case 7 -> f.booleanNode(random.nextBoolean());
            default -> f.textNode("snapshot.sqlite\u0000");
        };
        if (replacement == null) {
            target.remove(field);
        } else {
            target.set(field, replacement);
        }
        return root;
    }

    private static void collect(JsonNode node, List<ObjectNode> objects) {
        if (node instanceof ObjectNode o) {
            objects.add(o);
        }
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            collect(it.next(), objects);
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        return bytes;
    }

    private static byte[] nested(int depth) {
        return ("[".repeat(depth) + "]".repeat(depth)).getBytes(StandardCharsets.US_ASCII);
    }
}
