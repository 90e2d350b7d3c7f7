package dev.turnout.engine;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One daemon per state directory: an exclusive lock on {@code turnout.lock} in it, held for the
 * daemon's life (the kernel drops it when the process dies, however it dies). The file names the
 * holder's pid.
 */
final class InstanceLock implements Closeable {
  private final FileChannel channel;
  private final FileLock lock;

  private InstanceLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock on {@code file}, or fails at once naming the holder. */
  public static InstanceLock take(Path file) throws IOException {
    Durable.createDirectories(file.getParent());
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (l == null) {
      ByteBuffer b = ByteBuffer.allocate(64);
      ch.read(b, 0);
      ch.close();
      String holder = new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
      throw new IOException("another update_engine runs on this state directory (" + file
          + (holder.isEmpty() ? "" : ", pid " + holder) + ")");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n")
        .getBytes(StandardCharsets.UTF_8)), 0);
    return new InstanceLock(ch, l);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
