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

  private static boolean root() {
    return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
  }

  @Test
  void aLockDirectoryThatIsALinkOrWritableByOthersIsRefusedInOneLine() throws Exception {
    Path disk = Files.write(dir.resolve("disk.img"), new byte[4096]);
    Path victim = Files.createDirectories(dir.resolve("victim"));
    Path linked = Files.createSymbolicLink(dir.resolve("locks-link"), victim);
    assertThatThrownBy(() -> DiskLock.acquireIn(linked, disk, DiskLock.Kind.GPT, Duration.ZERO))
        .hasMessage("the lock directory " + linked + " is a symbolic link; refusing to use it"
            + " (remove it, and it is made afresh)");
    assertThat(victim).isEmptyDirectory();

    Path open = Files.createDirectories(dir.resolve("locks-open"));
    Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions
        .fromString("rwxrwxrwx"));
    assertThatThrownBy(() -> DiskLock.acquireIn(open, disk, DiskLock.Kind.GPT, Duration.ZERO))
        .hasMessageContaining("can be written by other users");

    Path file = Files.writeString(dir.resolve("locks-file"), "x");
    assertThatThrownBy(() -> DiskLock.acquireIn(file, disk, DiskLock.Kind.GPT, Duration.ZERO))
        .hasMessageContaining(file + " is not a directory");
  }

  @Test
  void aLockDirectoryOwnedByAnotherUserIsRefused() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(root(), "needs root to give a directory away");
    Path disk = Files.write(dir.resolve("disk.img"), new byte[4096]);
    Path theirs = Files.createDirectories(dir.resolve("locks-theirs"));
    Files.setAttribute(theirs, "unix:uid", 65534);
    assertThatThrownBy(() -> DiskLock.acquireIn(theirs, disk, DiskLock.Kind.GPT, Duration.ZERO))
        .hasMessageContaining(theirs + " is owned by uid 65534, not by 0");
  }

  @Test
  void aPlantedLinkNamedLikeTheLockFileIsNeverWrittenThrough() throws Exception {
    Path disk = Files.write(dir.resolve("disk.img"), new byte[4096]);
    Path locks = Files.createDirectories(dir.resolve("locks"));
    Path victim = Files.writeString(dir.resolve("victim.conf"), "keep me\n");
    // Learn the lock file's name, then plant a link under it.
    try (DiskLock l = DiskLock.acquireIn(locks, disk, DiskLock.Kind.GPT, Duration.ZERO)) {
      assertThat(l).isNotNull();
    }
    Path lockFile;
    try (var s = Files.list(locks)) {
      lockFile = s.findFirst().orElseThrow();
    }
    Files.delete(lockFile);
    Files.createSymbolicLink(lockFile, victim);
    assertThatThrownBy(() -> DiskLock.acquireIn(locks, disk, DiskLock.Kind.GPT, Duration.ZERO))
        .hasMessage("cannot open the lock file " + lockFile + ": is a symbolic link; refusing to"
            + " follow it");
    assertThat(victim).hasContent("keep me\n");
  }

  @Test
  void anEmptyDirectoryWhereTheLockFileGoesIsReplaced() throws Exception {
    Path disk = Files.write(dir.resolve("disk.img"), new byte[4096]);
    Path locks = Files.createDirectories(dir.resolve("locks"));
    try (DiskLock l = DiskLock.acquireIn(locks, disk, DiskLock.Kind.TARGET, Duration.ZERO)) {
      assertThat(l).isNotNull();
    }
    Path lockFile;
    try (var s = Files.list(locks)) {
      lockFile = s.findFirst().orElseThrow();
    }
    Files.delete(lockFile);
    Files.createDirectory(lockFile);
    DiskLock.acquireIn(locks, disk, DiskLock.Kind.TARGET, Duration.ZERO).close();
    assertThat(lockFile).isRegularFile();
    Files.delete(lockFile);
    Files.createDirectories(lockFile.resolve("something"));
    assertThatThrownBy(() -> DiskLock.acquireIn(locks, disk, DiskLock.Kind.TARGET,
        Duration.ZERO)).hasMessageStartingWith("the lock file " + lockFile
            + " is a directory that cannot be removed: ");
  }
}
