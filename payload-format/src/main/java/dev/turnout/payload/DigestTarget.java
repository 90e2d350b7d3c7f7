package dev.turnout.payload;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * See {@link PayloadTarget#digestOnly}: hashes sequential writes and keeps no data but the last
 * block's worth, since the final block's zero padding must stay out of the image hash.
 */
final class DigestTarget implements PayloadTarget {
  private static final int WINDOW = PayloadLimits.MAX_BLOCK_SIZE;

  private final long size;
  private final MessageDigest md = CrauFormat.sha256();
  private final byte[] tail = new byte[2 * WINDOW];
  private int tailLength;
  private long next;

  DigestTarget(long size) {
    this.size = size;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public synchronized void write(long offset, ByteBuffer src) throws IOException {
    if (offset != next) {
      throw new IOException("operations are not in block order (write at " + offset + ", expected "
          + next + "); verify such a payload with payload apply into a scratch partition");
    }
    next += src.remaining();
    while (src.hasRemaining()) {
      int n = Math.min(src.remaining(), tail.length - tailLength);
      src.get(tail, tailLength, n);
      tailLength += n;
      if (tailLength == tail.length) {
        md.update(tail, 0, WINDOW);
        System.arraycopy(tail, WINDOW, tail, 0, WINDOW);
        tailLength = WINDOW;
      }
    }
  }

  @Override
  public boolean canReadBack() {
    return false;
  }

  @Override
  public void read(long offset, ByteBuffer dst) throws IOException {
    throw new IOException("a digest-only target keeps no data");
  }

  @Override
  public synchronized byte[] sha256(long length) throws IOException {
    long hashed = next - tailLength;
    if (length > next || length < hashed) {
      throw new IOException("cannot hash the first " + length + " bytes of " + next + " written");
    }
    MessageDigest copy;
    try {
      copy = (MessageDigest) md.clone();
    } catch (CloneNotSupportedException e) {
      throw new IOException(e);
    }
    copy.update(tail, 0, (int) (length - hashed));
    return copy.digest();
  }

  @Override
  public void force() {}

  @Override
  public void close() {}
}
