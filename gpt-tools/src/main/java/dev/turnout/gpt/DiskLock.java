package dev.turnout.gpt;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Semaphore;

/**
 * Advisory locks on a boot disk (a block device or an image file), so that no two writers tear
 * each other's work:
 *
 * <ul>
 *   <li>{@link Kind#OWNER}: held by an update daemon for its whole life; a second daemon on the
 *       same disk does not start;</li>
 *   <li>{@link Kind#GPT}: held while the partition table is written, by the daemon and by every
 *       {@code cgpt} mutation;</li>
 *   <li>{@link Kind#TARGET}: held while a payload is written into a partition of the disk, by the
 *       daemon's download and by {@code payload apply}.</li>
 * </ul>
 *
 * <p>Each is a POSIX lock on a small file of its own in {@code /run/lock/turnout/} (or the temp
 * directory where that cannot be written), named after the disk's identity (the device number of
 * a block device, the inode of an image), so every name of the disk meets the same lock; the kernel
 * drops it when the process dies, however it dies. The disk itself is not locked: closing any
 * descriptor of a file drops all of a process's POSIX locks on it, and the disk is opened and
 * closed all the time. Within one JVM, where file locks cannot exclude each other, a lock per
 * file serializes the threads first.
 */
public final class DiskLock implements Closeable {
  /** What the lock is held for. */
  public enum Kind { OWNER, GPT, TARGET }

  /** JVM-wide, as the file locks it stands in for within the JVM. */
  private static final Map<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();
  private static final long POLL_MILLIS = 50;

  private final Semaphore local;
  private final FileChannel channel;
  private final FileLock lock;

  private DiskLock(Semaphore local, FileChannel channel, FileLock lock) {
    this.local = local;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the {@code kind} lock of {@code disk}, waiting up to {@code wait} while another process
   * or thread holds it.
   *
   * @throws DiskBusyException when it is still held after {@code wait}
   */
  public static DiskLock acquire(Path disk, Kind kind, Duration wait) throws IOException {
    Path file = lockFile(disk, kind);
    Semaphore local = IN_PROCESS.computeIfAbsent(file, f -> new Semaphore(1));
    long deadline = System.nanoTime() + wait.toNanos();
    try {
      if (!local.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw busy(disk, kind);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the lock on " + disk, e);
    }
    FileChannel ch = null;
    try {
      ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      while (true) {
        FileLock l = ch.tryLock();
        if (l != null) {
          ch.truncate(0);
          ch.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + " " + kind + " "
              + disk + "\n").getBytes(StandardCharsets.UTF_8)), 0);
          return new DiskLock(local, ch, l);
        }
        if (System.nanoTime() >= deadline) {
          throw busy(disk, kind);
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(ch);
      local.release();
      throw new IOException("interrupted while waiting for the lock on " + disk, e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      local.release();
      throw e;
    }
  }

  private static DiskBusyException busy(Path disk, Kind kind) {
    String who = switch (kind) {
      case OWNER -> "another update_engine runs on it";
      case GPT -> "another process is writing its partition table";
      case TARGET -> "another process is writing an update into it";
    };
    return new DiskBusyException(disk + " is busy: " + who);
  }

  /** The lock file for {@code kind} on {@code disk}. */
  static Path lockFile(Path disk, Kind kind) throws IOException {
    Path dir = Path.of("/run/lock");
    dir = Files.isDirectory(dir) && Files.isWritable(dir) ? dir.resolve("turnout")
        : Path.of(System.getProperty("java.io.tmpdir"), "turnout-locks");
    Files.createDirectories(dir);
    return dir.resolve(identity(disk) + "." + kind.name().toLowerCase(java.util.Locale.ROOT));
  }

  /** The same for every name of one disk: its device number, or its file's inode. */
  private static String identity(Path disk) throws IOException {
    try {
      if (!Files.isRegularFile(disk) && Files.exists(disk)) {
        return "dev-" + Files.getAttribute(disk, "unix:rdev");
      }
      return "ino-" + Files.getAttribute(disk, "unix:dev") + "-"
          + Files.getAttribute(disk, "unix:ino");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // A file system without unix attributes (tests): the absolute name stands in.
      try {
        return "path-" + HexFormat.of().formatHex(java.security.MessageDigest
            .getInstance("SHA-256").digest(disk.toAbsolutePath().normalize().toUri().toString()
                .getBytes(StandardCharsets.UTF_8)), 0, 12);
      } catch (java.security.NoSuchAlgorithmException x) {
        throw new IllegalStateException(x);
      }
    }
  }

  private static void closeQuietly(FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // nothing more to release
      }
    }
  }

  /** The disk is held by another writer. */
  public static final class DiskBusyException extends IOException {
    private static final long serialVersionUID = 1L;

    DiskBusyException(String message) {
      super(message);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      channel.close();
    } finally {
      local.release();
    }
  }
}
