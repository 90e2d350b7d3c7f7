package dev.turnout.gpt;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** A block device node or a regular image file, through a {@link FileChannel}. */
final class FileBlockDevice implements BlockDevice {
  private final Path path;
  private final FileChannel channel;
  private final long size;

  /** How long a writer waits for another process's GPT write to end. */
  static final Duration GPT_LOCK_WAIT = Duration.ofSeconds(30);

  private final DiskLock lock;

  private FileBlockDevice(Path path, FileChannel channel, long size, DiskLock lock) {
    this.path = path;
    this.channel = channel;
    this.size = size;
    this.lock = lock;
  }

  /**
   * Opens {@code path} read-only, or read-write when {@code writable}: then holding the disk's
   * {@link DiskLock.Kind#GPT} lock until closed, so no two processes write the table at once.
   */
  public static FileBlockDevice open(Path path, boolean writable) throws IOException {
    if (Files.isDirectory(path)) {
      throw new GptException(path + " is a directory, not a disk");
    }
    DiskLock lock = writable ? DiskLock.acquire(path, DiskLock.Kind.GPT, GPT_LOCK_WAIT) : null;
    FileChannel ch = null;
    try {
      ch = writable ? FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)
          : FileChannel.open(path, StandardOpenOption.READ);
      return new FileBlockDevice(path, ch, sizeOf(path, ch), lock);
    } catch (IOException | RuntimeException e) {
      if (ch != null) {
        ch.close();
      }
      if (lock != null) {
        lock.close();
      }
      throw e;
    }
  }

  /**
   * A regular file reports its length; a block device node reports 0 through fstat, so its size comes
   * from sysfs.
   */
  private static long sizeOf(Path path, FileChannel ch) throws IOException {
    long n = ch.size();
    if (n > 0 || Files.isRegularFile(path)) {
      return n;
    }
    return Sysfs.system().size(path);
  }

  /** Creates or extends a regular image file to at least {@code bytes}. */
  static void extendImage(Path path, long bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE)) {
      if (ch.size() < bytes) {
        ch.write(ByteBuffer.wrap(new byte[1]), bytes - 1);
      }
    }
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    long pos = offset;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, pos);
      if (n < 0) {
        throw new EOFException(path + ": unexpected end at byte " + pos);
      }
      pos += n;
    }
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    long pos = offset;
    while (src.hasRemaining()) {
      pos += channel.write(src, pos);
    }
  }

  @Override
  public void force() throws IOException {
    channel.force(true);
  }

  @Override
  public String name() {
    return path.toString();
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      if (lock != null) {
        lock.close();
      }
    }
  }
}
