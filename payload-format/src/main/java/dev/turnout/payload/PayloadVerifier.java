package dev.turnout.payload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a payload file in full without writing anything: structure, every operation's hash, the
 * version-2 signature under one of {@code keys}, and the hashes of the image and kernel it would
 * produce (on digest-only targets).
 */
public final class PayloadVerifier {
  private PayloadVerifier() {}

  /** The verdict, or a {@link PayloadException} saying what is wrong and where. */
  public static PayloadResult verify(Path payload, List<Keys.TrustedKey> keys) throws IOException {
    try (PayloadTarget part = PayloadTargets.digestOnly(1L << 44);
        PayloadTarget kernel = PayloadTargets.digestOnly(PayloadLimits.DEFAULT.maxKernelSize());
        PayloadConsumer c = PayloadConsumer.builder().partition(part).kernel(kernel)
            .trustedKeys(keys).threads(1).build()) {
      return stream(payload, c);
    }
  }

  /** Streams a payload file through a consumer in 1 MiB reads, as a download would arrive. */
  public static PayloadResult stream(Path payload, PayloadConsumer consumer) throws IOException {
    byte[] buf = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(payload)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        consumer.write(ByteBuffer.wrap(buf, 0, n));
      }
    }
    return consumer.finish();
  }
}
