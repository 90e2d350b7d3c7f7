package dev.turnout.payload;

import java.io.IOException;
import java.util.List;

/**
 * For {@code payload bench}: times Turnout's bzip2 decoder alone, on this thread, without the
 * apply around it (no hashing, no writes), so it can be set against the native decoders on the
 * same streams.
 */
public final class DecoderTiming {
  private DecoderTiming() {}

  /** Seconds to decode every stream once; the decoded bytes are counted into {@code out[0]}. */
  public static double seconds(List<byte[]> streams, long[] out) throws IOException {
    Bzip2Decoder d = new Bzip2Decoder();
    long[] n = {0};
    long t0 = System.nanoTime();
    for (byte[] s : streams) {
      d.decode(s, (b, off, len) -> n[0] += len);
    }
    double t = (System.nanoTime() - t0) / 1e9;
    out[0] = n[0];
    return t;
  }
}
