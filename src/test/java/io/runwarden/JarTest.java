package io.runwarden;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The jar that {@code mvn package} builds and the README runs: small enough to ship, and with the native libraries of
 * every platform runwarden runs on (Linux x86-64 and aarch64, macOS on Intel and Apple silicon), for RocksDB and the
 * compression codecs of Kafka's clients, and of no other; and the class data archive that the README's command maps.
 */
@IntegrationTest
class JarTest {
    private static final Path JAR = Path.of("target", "runwarden.jar");
    private static final long MAX_BYTES = 75_000_000;

    @Test
    void theJarIsAtMost75MbAndCarriesTheNativesOfLinuxAndMacOsOnly() throws IOException {
        assertThat(Files.size(JAR)).as("bytes of %s", JAR).isLessThanOrEqualTo(MAX_BYTES);
        try (JarFile jar = new JarFile(JAR.toFile())) {
            List<String> natives = jar.stream().map(ZipEntry::getName)
                    .filter(name -> name.matches(".*\\.(so|dll|dylib|jnilib)"))
                    .map(name -> name.replaceAll("-\\d[\\d.-]*\\.(so|dylib)$", ".$1")) // zstd-jni's version
                    .sorted().toList();
            assertThat(natives).containsExactlyInAnyOrder(
                    "librocksdbjni-linux64.so", "librocksdbjni-linux-aarch64.so",
                    "librocksdbjni-osx-x86_64.jnilib", "librocksdbjni-osx-arm64.jnilib",
                    "linux/amd64/libzstd-jni.so", "linux/aarch64/libzstd-jni.so",
                    "darwin/x86_64/libzstd-jni.dylib", "darwin/aarch64/libzstd-jni.dylib",
                    "net/jpountz/util/linux/amd64/liblz4-java.so", "net/jpountz/util/linux/aarch64/liblz4-java.so",
                    "net/jpountz/util/darwin/x86_64/liblz4-java.dylib", "net/jpountz/util/darwin/aarch64/liblz4-java.dylib",
                    "org/xerial/snappy/native/Linux/x86_64/libsnappyjava.so",
                    "org/xerial/snappy/native/Linux/aarch64/libsnappyjava.so",
                    "org/xerial/snappy/native/Mac/x86_64/libsnappyjava.dylib",
                    "org/xerial/snappy/native/Mac/aarch64/libsnappyjava.dylib");
        }
    }

    @Test
    void theReadmesCommandMapsTheClassDataArchiveThatThePackageMade() throws Exception {
        // -Xshare:on turns "cannot use the archive" (another JVM, a jar rebuilt since) from a warning into an exit 1
        List<String> command = new ArrayList<>(List.of("java", "-Xshare:on"));
        command.addAll(ReadmeCommand.jvmOptions());
        assertThat(command).contains("-XX:SharedArchiveFile=target/runwarden.jsa");
        command.addAll(List.of("-jar", JAR.toString(), "--version"));
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(java.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = new String(java.getInputStream().readAllBytes());
        assertThat(java.exitValue()).as(output).isZero();
        assertThat(output).startsWith("runwarden ").doesNotContain("warning");
    }
}
