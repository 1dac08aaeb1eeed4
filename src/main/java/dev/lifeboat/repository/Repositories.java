package dev.lifeboat.repository;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.file.FileStore;
import dev.lifeboat.repository.s3.S3Location;
import dev.lifeboat.repository.s3.S3Store;
import dev.lifeboat.repository.sftp.SftpLocation;
import dev.lifeboat.repository.sftp.SftpStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a repository argument into a repository. Each kind of store is one line of {@link #STORES};
 * an argument no kind takes is a folder path.
 */
public final class Repositories {
    public static final List<StoreType> STORES = List.of(
            new StoreType("file:", "file:PATH", (spec, env) -> new FileStore(Path.of(spec.substring(5))),
                    spec -> Set.of()),
            new StoreType("s3://", S3Location.FORM, S3Store::open, S3Store::secretVariables),
            new StoreType(SftpLocation.SCHEME, SftpLocation.FORM, SftpStore::open, SftpStore::secretVariables));

    /**
     * The forms of a repository argument, for help texts, which must be constants: the same as
     * {@link #forms()}, which a test holds it to.
     */
    public static final String URL_FORMS = S3Location.FORM + " or " + SftpLocation.FORM;
    public static final String FORMS = "a folder, file:PATH, " + URL_FORMS;

    private Repositories() {
    }

    /** @param env the command's environment, where credentials and keys for remote stores come from */
    public static Repository open(String spec, Map<String, String> env) {
        for (StoreType type : STORES) {
            if (type.takes(spec)) {
                return new StoreRepository(type.opener().open(spec, env), Clock.systemUTC());
            }
        }
        if (spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new LifeboatException(ExitCode.USAGE, "repository kind of '" + spec.replaceAll("\\?.*", "")
                    + "' is not supported; use " + forms());
        }
        return folder(Path.of(spec));
    }

    /** {@code spec} with a folder's path made absolute, for a command that runs elsewhere; other kinds as given. */
    public static String absolute(String spec) {
        return absolute(spec, Path.of("").toAbsolutePath());
    }

    /** As {@link #absolute(String)}, with a relative folder taken from {@code base}. */
    public static String absolute(String spec, Path base) {
        if (spec.startsWith("file:")) {
            return "file:" + base.resolve(spec.substring(5)).normalize();
        }
        boolean store = STORES.stream().anyMatch(t -> t.takes(spec)) || spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");
        return store ? spec : base.resolve(spec).normalize().toString();
    }

    /** The repository in a local folder. */
    public static Repository folder(Path root) {
        return new StoreRepository(new FileStore(root), Clock.systemUTC());
    }

    /** The environment variables the store of {@code spec} reads secrets from; none for a folder. */
    public static Set<String> secretVariables(String spec) {
        return STORES.stream().filter(t -> t.takes(spec)).findFirst().map(t -> t.secrets().of(spec)).orElse(Set.of());
    }

    /** "a folder, file:PATH, … or …": every registered form, as messages list them. */
    public static String forms() {
        List<String> forms = STORES.stream().map(StoreType::form).toList();
        return "a folder, " + forms.subList(0, forms.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + forms.get(forms.size() - 1);
    }
}
