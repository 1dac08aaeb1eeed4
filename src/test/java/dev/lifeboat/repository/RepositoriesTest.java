package dev.lifeboat.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.store.StoreKind;
import dev.lifeboat.repository.store.StoreKinds;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one table of store kinds: what it registers is what help texts, messages and the contract suites cover. */
class RepositoriesTest {
    @Test
    void everyRegisteredStoreRunsTheContractSuitesAndNoOtherDoes(@TempDir Path dir) {
        assertEquals(Repositories.STORES.stream().map(StoreType::prefix).collect(Collectors.toSet()),
                StoreKinds.all(dir).stream().map(StoreKind::prefix).collect(Collectors.toSet()));
    }

    @Test
    void theHelpTextsFormsAreTheTablesForms() {
        assertEquals(Repositories.forms(), Repositories.FORMS, "FORMS is a constant for picocli; keep it in step");
        LifeboatException e = assertThrows(LifeboatException.class, () -> Repositories.open("ftp://host/x?pw=1",
                Map.of()));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertEquals("repository kind of 'ftp://host/x' is not supported; use " + Repositories.FORMS, e.getMessage());
        for (StoreType type : Repositories.STORES) {
            assertTrue(e.getMessage().contains(type.form()), type.form());
        }
    }

    @Test
    void aFolderIsAnyArgumentNoKindTakes(@TempDir Path dir) throws Exception {
        for (String spec : Set.of(dir.resolve("a").toString(), "file:" + dir.resolve("b"))) {
            try (Repository repository = Repositories.open(spec, Map.of())) {
                assertTrue(repository.create(), spec);
            }
        }
        assertTrue(dir.resolve("a/lifeboat-repository.json").toFile().isFile());
        assertTrue(dir.resolve("b/lifeboat-repository.json").toFile().isFile());
    }
}
