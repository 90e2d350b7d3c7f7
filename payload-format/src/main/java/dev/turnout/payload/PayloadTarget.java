package dev.turnout.payload;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Where an operation's bytes go: a USR partition (a block device, or a byte range of a disk image),
 * or the kernel file. Positional writes only, and never outside {@code [0, size())}.
 *
 * {@link PayloadTargets} makes the ones there are.
 *
 * <p>Implementations must be safe for concurrent positional writes from the executor's threads.
 */
public interface PayloadTarget extends AutoCloseable {
  /** The writable length in bytes. */
  long size();

  /** Writes all of {@code src} at {@code offset}, which lies within {@code [0, size())}. */
  void write(long offset, ByteBuffer src) throws IOException;

  /** Reads into {@code dst} from {@code offset}; for verifying what was written. */
  void read(long offset, ByteBuffer dst) throws IOException;

  /**
   * Whether {@link #read} gives back what was written, so the consumer can hash the partition
   * while the apply goes on; a digest-only target answers {@link #sha256} alone.
   */
  default boolean canReadBack() {
    return true;
  }

  /** Forces everything written to stable storage. */
  void force() throws IOException;

  /** SHA-256 of the first {@code length} bytes, as written. */
  default byte[] sha256(long length) throws IOException {
    java.security.MessageDigest md = CrauFormat.sha256();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    for (long off = 0; off < length; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), length - off));
      read(off, buf);
      buf.flip();
      off += buf.remaining();
      md.update(buf);
    }
    return md.digest();
  }

  /** Cuts the target to {@code length} bytes; only meaningful for files (the kernel). */
  default void truncate(long length) throws IOException {}

  @Override
  void close() throws IOException;
}
