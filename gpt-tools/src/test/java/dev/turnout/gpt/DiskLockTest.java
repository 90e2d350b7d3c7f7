package dev.turnout.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskLockTest {
  @TempDir Path dir;

  @Test
  void aHeldLockKeepsTheNextTakerOutUntilReleased() throws Exception {
    Path disk = Files.write(dir.resolve("disk.img"), new byte[4096]);
    try (DiskLock held = DiskLock.acquire(disk, DiskLock.Kind.OWNER, Duration.ZERO)) {
      assertThatThrownBy(() -> DiskLock.acquire(disk, DiskLock.Kind.OWNER,
          Duration.ofMillis(200))).isInstanceOf(DiskLock.DiskBusyException.class)
          .hasMessage(disk + " is busy: another update_engine runs on it");
      try (DiskLock gpt = DiskLock.acquire(disk, DiskLock.Kind.GPT, Duration.ZERO)) {
        assertThat(gpt).as("the kinds are independent").isNotNull();
      }
    }
    DiskLock.acquire(disk, DiskLock.Kind.OWNER, Duration.ZERO).close();
  }

  @Test
  void everyNameOfTheDiskMeetsTheSameLock() throws Exception {
    Path disk = Files.write(dir.resolve("disk.img"), new byte[4096]);
    Path link = Files.createSymbolicLink(dir.resolve("other-name"), disk);
    try (DiskLock held = DiskLock.acquire(disk, DiskLock.Kind.TARGET, Duration.ZERO)) {
      assertThatThrownBy(() -> DiskLock.acquire(link, DiskLock.Kind.TARGET, Duration.ZERO))
          .isInstanceOf(DiskLock.DiskBusyException.class);
    }
  }

  @Test
  void aTableWriteWaitsForTheWriterBeforeIt() throws Exception {
    Path disk = TestDisks.image(dir);
    DiskLock held = DiskLock.acquire(disk, DiskLock.Kind.GPT, Duration.ZERO);
    Thread release = new Thread(() -> {
      try {
        Thread.sleep(700);
        held.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    long start = System.nanoTime();
    release.start();
    try (GptDisk d = GptDisk.open(disk, true)) {
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(
          Duration.ofMillis(600));
      d.markGood(3);
    }
    release.join();
  }
}
