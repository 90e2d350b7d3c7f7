package dev.turnout.payload;

import dev.turnout.gpt.Sysfs;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The {@link PayloadTarget}s there are: byte ranges of a disk, whole devices, files, hashes. */
public final class PayloadTargets {
  private PayloadTargets() {}

  /** The byte range {@code [offset, offset + length)} of an open channel; closes the channel too. */
  public static PayloadTarget range(FileChannel channel, long offset, long length) {
    return new ChannelTarget(channel, offset, length, false);
  }

  /**
   * The byte range {@code [offset, offset + length)} of an open channel; closing the target
   * closes the channel, then {@code alsoClose} (a lock held while writing, say).
   */
  public static PayloadTarget range(FileChannel channel, long offset, long length,
      java.io.Closeable alsoClose) {
    return new ChannelTarget(channel, offset, length, false, alsoClose);
  }

  /** A whole existing file or block device, opened for writing. */
  public static PayloadTarget open(Path path) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    long size = ch.size();
    if (size == 0) {
      size = Sysfs.system().size(path);
    }
    return new ChannelTarget(ch, 0, size, false);
  }

  /**
   * A file that grows as it is written, up to {@code maxSize} (the kernel file), created with mode
   * 0600 if missing and truncated at the end.
   */
  public static PayloadTarget growingFile(Path path, long maxSize) throws IOException {
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
        StandardOpenOption.CREATE);
    return new ChannelTarget(ch, 0, maxSize, true);
  }

  /**
   * A target that keeps nothing: it hashes bytes written in order, so a payload can be verified in
   * full without a partition to write to. Needs one thread, and operations in block order (as every
   * Flatcar generator writes them).
   */
  public static PayloadTarget digestOnly(long size) {
    return new DigestTarget(size);
  }
}
