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

    /** A link at {@code key}, or on the way to it at the folder {@code key}: never followed. */
    public static ForeignObject link(String key) {
        return new ForeignObject(key + " is a symbolic link, which Lifeboat never writes or follows");
    }

    /** The folder {@code folder} is a link or lies in one, so what is under it is elsewhere. */
    public static ForeignObject throughLink(String folder) {
        return new ForeignObject(folder + " is reached through a symbolic link, which Lifeboat never follows");
    }

    /** A folder, device or other entry where the object {@code key} belongs. */
    public static ForeignObject notAFile(String key) {
        return new ForeignObject(key + " is not a plain file");
    }

    /**
     * {@code bytes}, read from {@code key} up to one byte more than {@code limit}; refused when they
     * are more, without the store having read more than that into memory.
     */
    public static byte[] requireWithin(byte[] bytes, int limit, String key) throws ForeignObject {
        if (bytes.length > limit) {
            throw tooLarge(key, limit);
        }
        return bytes;
    }

    /** {@code key} holds more than the {@code limit} bytes any such object Lifeboat writes has. */
    public static ForeignObject tooLarge(String key, int limit) {
        return new ForeignObject(key + " is larger than the " + limit + " bytes any such object Lifeboat writes has,"
                + " so it is not Lifeboat's");
    }
}
