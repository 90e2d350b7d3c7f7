package dev.turnout.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.function.LongSupplier;

/**
 * curl's low-speed abort: a transfer that moves fewer than {@code bytesPerSecond} on average over
 * any window of {@code windowNanos} is cut with a {@link SocketTimeoutException}. (A transfer that
 * moves nothing at all is cut by the socket read timeout, set to the same window.)
 */
final class LowSpeedInputStream extends FilterInputStream {
  private final long bytesPerSecond;
  private final long windowNanos;
  private final LongSupplier nanoTime;
  private long windowStart;
  private long windowBytes;

  public LowSpeedInputStream(InputStream in, long bytesPerSecond, long windowNanos,
      LongSupplier nanoTime) {
    super(in);
    this.bytesPerSecond = bytesPerSecond;
    this.windowNanos = windowNanos;
    this.nanoTime = nanoTime;
    this.windowStart = nanoTime.getAsLong();
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    account(b < 0 ? 0 : 1);
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    account(Math.max(n, 0));
    return n;
  }

  private void account(int n) throws IOException {
    windowBytes += n;
    long now = nanoTime.getAsLong();
    long elapsed = now - windowStart;
    if (elapsed >= windowNanos) {
      double needed = bytesPerSecond * (elapsed / 1e9);
      if (windowBytes < needed) {
        throw new SocketTimeoutException(String.format(
            "transfer below %d bytes/s for %d s (%d bytes in %.1f s)", bytesPerSecond,
            windowNanos / 1_000_000_000L, windowBytes, elapsed / 1e9));
      }
      windowStart = now;
      windowBytes = 0;
    }
  }
}
