package dev.turnout.payload;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fuzzes the streaming payload parser from a valid signed payload with bytes overwritten, cut or
 * extended, fed in fuzzer-chosen chunks: the only failure allowed is a {@link PayloadException},
 * and no write may leave the target.
 */
class PayloadParserFuzzTest {
  private static final byte[] VALID = valid();
  private static final List<Keys.TrustedKey> KEYS = keys();

  private static byte[] valid() {
    try {
      Path dir = Files.createTempDirectory("fuzz-payload");
      byte[] image = TestPayloads.mixedContent(40_000, 5);
      Path p = TestPayloads.payload(dir, image, new byte[3000],
          List.of(TestPayloads.devPrivate()));
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Keys.TrustedKey> keys() {
    try {
      return List.of(TestPayloads.devPublic());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @FuzzTest(maxDuration = "30s")
  void damagedPayloadsFailOnlyWithPayloadException(FuzzedDataProvider in) throws IOException {
    byte[] p = VALID.clone();
    int edits = in.consumeInt(0, 16);
    for (int i = 0; i < edits; i++) {
      int off = in.consumeBoolean() ? in.consumeInt(0, Math.min(600, p.length - 1))
          : in.consumeInt(0, p.length - 1);
      p[off] = in.consumeByte();
    }
    int length = in.consumeBoolean() ? p.length : in.consumeInt(0, p.length);
    VolatileTarget part = new VolatileTarget(new byte[64 * 1024]);
    VolatileTarget kernel = new VolatileTarget(new byte[16 * 1024]);
    try (PayloadConsumer c = PayloadConsumer.builder().partition(part).kernel(kernel)
        .trustedKeys(KEYS).threads(1).build()) {
      int at = 0;
      while (at < length) {
        int n = Math.min(length - at, 1 + in.consumeInt(0, 8192));
        c.write(ByteBuffer.wrap(p, at, n));
        at += n;
      }
      c.finish();
    } catch (PayloadException e) {
      // rejected with a code and a reason
    }
  }
}
