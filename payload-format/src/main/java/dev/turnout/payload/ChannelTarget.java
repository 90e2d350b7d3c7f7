package dev.turnout.payload;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** A {@link PayloadTarget} over a byte range of a {@link FileChannel}; bounds checked on every write. */
final class ChannelTarget implements PayloadTarget {
  private final FileChannel channel;
  private final long base;
  private final long size;
  private final boolean truncatable;

  private final java.io.Closeable alsoClose;

  ChannelTarget(FileChannel channel, long base, long size, boolean truncatable) {
    this(channel, base, size, truncatable, () -> { });
  }

  ChannelTarget(FileChannel channel, long base, long size, boolean truncatable,
      java.io.Closeable alsoClose) {
    this.alsoClose = alsoClose;
    this.channel = channel;
    this.base = base;
    this.size = size;
    this.truncatable = truncatable;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public void write(long offset, ByteBuffer src) throws IOException {
    if (offset < 0 || offset > size || src.remaining() > size - offset) {
      throw new IOException(String.format("write of %d bytes at %d is outside the target (%d bytes)",
          src.remaining(), offset, size));
    }
    long pos = base + offset;
    while (src.hasRemaining()) {
      pos += channel.write(src, pos);
    }
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    if (offset < 0 || dst.remaining() > size - offset) {
      throw new IOException("read outside the target");
    }
    long pos = base + offset;
    while (dst.hasRemaining()) {
      int n = channel.read(dst, pos);
      if (n < 0) {
        throw new EOFException("target ends at " + (pos - base));
      }
      pos += n;
    }
  }

  @Override
  public void force() throws IOException {
    channel.force(false);
  }

  @Override
  public void truncate(long length) throws IOException {
    if (truncatable) {
      channel.truncate(base + length);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      alsoClose.close();
    }
  }
}
