package dev.turnout.payload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where an operation's bytes go: a USR partition (a block device, or a byte range of a disk image),
 * or the kernel file. Positional writes only, and never outside {@code [0, size())}.
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

  /** Forces everything written to stable storage. */
  void force() throws IOException;

  /** SHA-256 of the first {@code length} bytes, as written. */
  default byte[] sha256(long length) throws IOException {
    java.security.MessageDigest md = PayloadConsumer.sha256();
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

  /**
   * A target that keeps nothing: it hashes bytes written in order, so a payload can be verified in
   * full without a partition to write to. Needs one thread, and operations in block order (as every
   * Flatcar generator writes them).
   */
  static PayloadTarget digestOnly(long size) {
    return new DigestTarget(size);
  }

  /** Cuts the target to {@code length} bytes; only meaningful for files (the kernel). */
  default void truncate(long length) throws IOException {}

  @Override
  void close() throws IOException;

  /** The byte range {@code [offset, offset + length)} of an open channel; closes the channel too. */
  static PayloadTarget range(FileChannel channel, long offset, long length) {
    return new ChannelTarget(channel, offset, length, false);
  }

  /** A whole existing file or block device, opened for writing. */
  static PayloadTarget open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = ch.size();
    if (size == 0) {
      size = BlockDevices.size(path);
    }
    return new ChannelTarget(ch, 0, size, false);
  }

  /**
   * A file that grows as it is written, up to {@code maxSize} (the kernel file), created with mode
   * 0600 if missing and truncated at the end.
   */
  static PayloadTarget growingFile(Path path, long maxSize) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE);
    return new ChannelTarget(ch, 0, maxSize, true);
  }
}
