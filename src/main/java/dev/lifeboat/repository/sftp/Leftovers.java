package dev.lifeboat.repository.sftp;

import dev.lifeboat.repository.store.Store;
import java.io.IOException;
import java.util.List;

/**
 * What a store keeps out of {@link Store#list} and {@link Store#stat}: the temp objects of puts
 * that never finished because the writer was killed or lost its connection. Each is named
 * {@code .tmp-PID-RANDOM-NAME} beside the key it was meant for (as
 * {@link dev.lifeboat.repository.DurableFiles#tempSibling} names them), so the repository layer's
 * leftover rule can judge it by its pid and age and remove it with {@link Store#delete}.
 *
 * <p>Kept beside {@link Store} rather than in it until the layer over every store decides how it
 * sweeps; a store whose puts cannot leave anything behind (S3 multipart uploads aside) has none.
 */
public interface Leftovers {
    /** Every temp object whose key, temp name included, starts with {@code prefix}, in key order. */
    List<Store.StoredObject> leftovers(String prefix) throws IOException;
}
