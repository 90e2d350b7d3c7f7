package dev.turnout.gpt;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The I/O seam under every GPT read and write: a disk, or an image file standing in for one.
 *
 * <p>Contract: {@link #read} and {@link #write} transfer the whole buffer or throw; a short device is
 * an {@link java.io.EOFException}. Data written is durable only after {@link #force} returns, and the
 * GPT writer relies on that order (backup, force, primary, force). Not thread-safe.
 */
public interface BlockDevice extends Closeable {
  /** Size in bytes. */
  long size() throws IOException;

  /** Fills {@code dst} from {@code offset}. */
  void read(long offset, ByteBuffer dst) throws IOException;

  /** Writes all of {@code src} at {@code offset}. */
  void write(long offset, ByteBuffer src) throws IOException;

  /** Forces every write so far to stable storage. */
  void force() throws IOException;

  /** A human-readable name for messages: the path of the disk or image. */
  String name();
}
