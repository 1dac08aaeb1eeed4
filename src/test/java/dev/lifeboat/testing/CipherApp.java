package dev.lifeboat.testing;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * An application that uses SQLCipher 4 through SQLite3MultipleCiphers' JDBC driver, as a Java
 * application would (the sqlcipher shell here is SQLCipher 3 and cannot write SQLCipher 4 files).
 * It loads the driver jar the build placed in the classes on its own, apart from Lifeboat's code.
 */
public final class CipherApp {
    private final Driver driver;

    public CipherApp() throws Exception {
        URL jar = CipherApp.class.getResource("/dev/lifeboat/source/sqlcipher/sqlite-mc-jdbc.jar");
        if (jar == null) {
            throw new IllegalStateException("the build did not embed the SQLCipher driver; run mvn process-resources");
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader());
        driver = (Driver) Class.forName("org.sqlite.JDBC", true, loader).getDeclaredConstructor().newInstance();
    }

    /**
     * Opens {@code db} with a passphrase and SQLite3MultipleCiphers' sqlcipher parameters, e.g.
     * {@code legacy=4, kdf_iter=4000, legacy_page_size=8192}.
     */
    public Connection open(Path db, String passphrase, Map<String, String> parameters) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("cipher", "sqlcipher");
        parameters.forEach(properties::setProperty);
        properties.setProperty("hexkey_mode", "SSE");
        properties.setProperty("key", java.util.HexFormat.of().formatHex(passphrase.getBytes(
                java.nio.charset.StandardCharsets.UTF_8)));
        return driver.connect("jdbc:sqlite:" + db, properties);
    }
}
