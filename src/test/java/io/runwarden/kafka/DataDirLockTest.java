package io.runwarden.kafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lock within one JVM; OneProcessPerDataDirTest covers two processes. */
class DataDirLockTest {
    @TempDir
    Path tmp;

    @Test
    void createsAMissingDirectoryAndLocksIt() {
        Path dataDir = tmp.resolve("a").resolve("data");
        try (DataDirLock ignored = DataDirLock.acquire(dataDir)) {
            assertThat(dataDir.resolve(DataDirLock.FILE_NAME)).exists();
        }
    }

    @Test
    void aSecondHolderInTheSameJvmIsRefusedWithTheDirectoryNamed() {
        try (DataDirLock ignored = DataDirLock.acquire(tmp)) {
            assertThatThrownBy(() -> DataDirLock.acquire(tmp))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("data dir " + tmp.toAbsolutePath() + " is in use by another runwarden process (lock "
                            + tmp.toAbsolutePath().resolve(".lock") + ")");
        }
    }

    @Test
    void theSameDirectoryUnderAnotherSpellingIsTheSameLock() {
        try (DataDirLock ignored = DataDirLock.acquire(tmp)) {
            assertThatThrownBy(() -> DataDirLock.acquire(tmp.resolve("sub").resolve("..")))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closingReleasesTheLockForTheNextHolderAndKeepsTheFile() {
        DataDirLock.acquire(tmp).close();
        try (DataDirLock again = DataDirLock.acquire(tmp)) {
            assertThat(again).isNotNull();
        }
        assertThat(Files.exists(tmp.resolve(DataDirLock.FILE_NAME))).isTrue();
    }
}
