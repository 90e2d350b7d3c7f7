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
 * <p>Each is a POSIX lock on a small file of its own in {@code /run/lock/turnout/} for root,
 * {@code /run/lock/turnout-UID/} for another user (or {@code turnout-locks-UID} in the temp
 * directory where {@code /run/lock} cannot be written), named after the disk's identity (the
 * device number of a block device, the inode of an image), so every name of the disk meets the
 * same lock. {@code /run/lock} is world-writable on many distributions: the lock directory must be
 * a real directory owned by the running user and writable by no one else, and lock files are
 * never opened through a symbolic link, so nobody can make a root process write a file of their
 * choosing; anything else is refused in one line. The kernel
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
    return acquire(lockFile(disk, kind), disk, kind, wait);
  }

  /** {@link #acquire(Path, Kind, Duration)} with the lock directory given (tests). */
  static DiskLock acquireIn(Path dir, Path disk, Kind kind, Duration wait) throws IOException {
    Path checked = checkedDirectory(dir, uid());
    return acquire(checked.resolve(identity(disk) + "."
        + kind.name().toLowerCase(java.util.Locale.ROOT)), disk, kind, wait);
  }

  private static DiskLock acquire(Path file, Path disk, Kind kind, Duration wait)
      throws IOException {
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
      ch = openLockFile(file);
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

  /** The lock file for {@code kind} on {@code disk}, in a checked lock directory. */
  static Path lockFile(Path disk, Kind kind) throws IOException {
    long uid = uid();
    Path runLock = Path.of("/run/lock");
    String name = uid == 0 ? "turnout" : "turnout-" + uid;
    Path dir = Files.isDirectory(runLock) && Files.isWritable(runLock) ? runLock.resolve(name)
        : Path.of(System.getProperty("java.io.tmpdir"), "turnout-locks-" + uid);
    return checkedDirectory(dir, uid).resolve(identity(disk) + "."
        + kind.name().toLowerCase(java.util.Locale.ROOT));
  }

  /**
   * This process's user: the owner of {@code /proc/self} (cgpt runs from the boot class path,
   * where the JDK's {@code UnixSystem} is out of reach).
   */
  static long uid() throws IOException {
    return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
  }

  /**
   * {@code dir}, made if missing (mode 0700 for another user's, 0755 for root's), and checked: a
   * real directory, owned by {@code uid}, writable by no one else.
   */
  static Path checkedDirectory(Path dir, long uid) throws IOException {
    java.nio.file.LinkOption nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
    if (!Files.exists(dir, nofollow)) {
      try {
        Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
            java.nio.file.attribute.PosixFilePermissions.fromString(uid == 0 ? "rwxr-xr-x"
                : "rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // made by another process meanwhile: checked below like any other
      } catch (IOException e) {
        throw new IOException("cannot make the lock directory " + dir + ": " + reason(e), e);
      }
    }
    java.nio.file.attribute.PosixFileAttributes a = Files.readAttributes(dir,
        java.nio.file.attribute.PosixFileAttributes.class, nofollow);
    String wrong = a.isSymbolicLink() ? "is a symbolic link"
        : !a.isDirectory() ? "is not a directory"
        : ((Number) Files.getAttribute(dir, "unix:uid", nofollow)).longValue() != uid
            ? "is owned by uid " + Files.getAttribute(dir, "unix:uid", nofollow) + ", not by "
                + uid
        : a.permissions().contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE)
            || a.permissions().contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE)
            ? "can be written by other users" : null;
    if (wrong != null) {
      throw new IOException("the lock directory " + dir + " " + wrong + "; refusing to use it"
          + " (remove it, and it is made afresh)");
    }
    return dir;
  }

  /**
   * Opens (or creates) a lock file without following a link. An empty directory in its place (a
   * mistake, nothing that holds data) is removed first; anything else is said in one line.
   */
  private static FileChannel openLockFile(Path file) throws IOException {
    java.nio.file.LinkOption nofollow = java.nio.file.LinkOption.NOFOLLOW_LINKS;
    if (Files.isDirectory(file, nofollow)) {
      try {
        Files.delete(file);
      } catch (IOException e) {
        throw new IOException("the lock file " + file + " is a directory that cannot be"
            + " removed: " + reason(e), e);
      }
    }
    try {
      return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE, nofollow);
    } catch (IOException e) {
      String why = Files.isSymbolicLink(file) ? "is a symbolic link; refusing to follow it"
          : reason(e);
      throw new IOException("cannot open the lock file " + file + ": " + why, e);
    }
  }

  /** What went wrong, in words, without repeating the path a message already names. */
  private static String reason(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
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
