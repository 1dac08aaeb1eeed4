package dev.lifeboat.repository.store;

import java.util.List;
import java.util.Map;

/**
 * A place of one store kind (a folder, a bucket prefix, a folder of an SFTP server) as the command
 * line names it, and raw access to it past Lifeboat: what someone with write access to the medium
 * could plant there, and everything that is there. Keys are relative to the place.
 */
public interface Place {
    /** The repository argument naming this place, e.g. {@code --repo} of a command. */
    String spec();

    /** What a command line needs in its environment to reach it (credentials, keys, known hosts). */
    Map<String, String> env();

    /** How a manifest would name {@code key} of this place from anywhere: an absolute path or key. */
    String absolute(String key);

    /** Whether anything of the place is there: its folder, or any object under its prefix. */
    boolean exists() throws Exception;

    void put(String key, byte[] content) throws Exception;

    byte[] get(String key) throws Exception;

    void delete(String key) throws Exception;

    /** Every object (file, link) under the place, keys in order. */
    List<String> keys() throws Exception;

    /**
     * Everything under the place as the medium holds it, in order: objects, and folders with a
     * trailing slash, which a store's own listing never shows.
     */
    List<String> entries() throws Exception;

    /** Makes {@code key} a symbolic link to {@code targetKey} of {@code target}; false where the medium has none. */
    default boolean link(String key, Place target, String targetKey) throws Exception {
        return false;
    }

    /** Makes {@code key} an empty folder, where an object belongs; false where the medium has no folders. */
    default boolean folder(String key) throws Exception {
        return false;
    }

    /** Copies every object of this place into {@code other}. */
    default void copyTo(Place other) throws Exception {
        for (String key : keys()) {
            other.put(key, get(key));
        }
    }
}
