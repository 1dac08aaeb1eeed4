package dev.lifeboat.repository.store;

import java.io.IOException;

/**
 * What is stored under a key, or on the way to it, is not a plain object Lifeboat could have
 * written: a symbolic link, a folder, a device, or an object larger than the reader allows. The
 * message is the reason, one line, naming the key.
 */
public final class ForeignObject extends IOException {
    public ForeignObject(String reason) {
        super(reason);
    }
}
