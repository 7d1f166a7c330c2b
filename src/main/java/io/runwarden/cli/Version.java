package io.runwarden.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version Maven built: {@code runwarden-version.properties} is filtered from the pom at build time, so the
 * jar, the classes a test runs and the manifest's Implementation-Version always agree.
 */
public final class Version {
    static final String RESOURCE = "/runwarden-version.properties";

    private Version() {
    }

    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath: build with Maven");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
