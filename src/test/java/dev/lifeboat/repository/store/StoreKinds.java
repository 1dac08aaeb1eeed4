package dev.lifeboat.repository.store;

import java.nio.file.Path;
import java.util.List;

/** Every store kind Lifeboat has. A new store is one line here, and passes both contract suites. */
public final class StoreKinds {
    private StoreKinds() {
    }

    /** @param dir a folder the kinds may use for their files and mount points */
    public static List<StoreKind> all(Path dir) {
        return List.of(
                new FileKind(dir.resolve("file")),
                new S3Kind(),
                new SftpKind());
    }
}
