package dev.lifeboat.repository.store;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/** A place that is a local folder: a file store's, or one an SFTP server in this JVM serves. */
final class LocalPlace implements Place {
    private final Path root;
    private final String spec;
    private final Map<String, String> env;
    private final Function<String, String> absolute;

    LocalPlace(Path root, String spec, Map<String, String> env, Function<String, String> absolute) {
        this.root = root;
        this.spec = spec;
        this.env = Map.copyOf(env);
        this.absolute = absolute;
    }

    Path root() {
        return root;
    }

    @Override
    public String spec() {
        return spec;
    }

    @Override
    public Map<String, String> env() {
        return env;
    }

    @Override
    public String absolute(String key) {
        return absolute.apply(key);
    }

    @Override
    public boolean exists() {
        return Files.exists(root, LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void put(String key, byte[] content) throws Exception {
        Path file = root.resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
    }

    @Override
    public byte[] get(String key) throws Exception {
        return Files.readAllBytes(root.resolve(key));
    }

    @Override
    public void delete(String key) throws Exception {
        Files.deleteIfExists(root.resolve(key));
    }

    @Override
    public List<String> keys() throws Exception {
        return entries().stream().filter(k -> !k.endsWith("/")).toList();
    }

    @Override
    public List<String> entries() throws Exception {
        return List.copyOf(fingerprints(root, List.of()).keySet());
    }

    @Override
    public boolean link(String key, Place target, String targetKey) throws Exception {
        Path link = root.resolve(key);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, ((LocalPlace) target).root.resolve(targetKey));
        return true;
    }

    @Override
    public boolean folder(String key) throws Exception {
        Files.createDirectories(root.resolve(key));
        return true;
    }

    /**
     * Every entry under {@code top} but those under {@code except}, relative, folders with a
     * trailing slash, each with what it is: a file's size and SHA-256, a link's target.
     */
    static Map<String, String> fingerprints(Path top, List<Path> except) throws Exception {
        Map<String, String> seen = new TreeMap<>();
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return seen;
        }
        try (Stream<Path> all = Files.walk(top)) {
            for (Path p : all.toList()) {
                if (p.equals(top) || except.stream().anyMatch(p::startsWith)) {
                    continue;
                }
                String relative = top.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    seen.put(relative, "link to " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    seen.put(relative + "/", "folder");
                } else {
                    seen.put(relative, Files.size(p) + " " + HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                }
            }
        }
        return seen;
    }
}
