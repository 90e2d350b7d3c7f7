package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our bzip2 decoder against commons-compress, the reference, on every shape of input. */
class Bzip2DecoderTest {
  static Stream<Arguments> inputs() {
    Random r = new Random(7);
    byte[] random = new byte[300_000];
    r.nextBytes(random);
    byte[] runs = new byte[700_000];
    for (int i = 0; i < runs.length; ) {
      int len = 1 + r.nextInt(r.nextBoolean() ? 3 : 600);
      Arrays.fill(runs, i, Math.min(runs.length, i + len), (byte) r.nextInt(4));
      i += len;
    }
    byte[] text = ("Flatcar Container Linux, the A/B partition update engine. ").repeat(20_000)
        .getBytes();
    return Stream.of(
        Arguments.of("empty", new byte[0], 9),
        Arguments.of("one byte", new byte[] {42}, 9),
        Arguments.of("zeros, several blocks", new byte[1_500_000], 1),
        Arguments.of("random", random, 9),
        Arguments.of("runs of every length", runs, 2),
        Arguments.of("text", text, 9),
        Arguments.of("mixed content", TestPayloads.mixedContent(1 << 20, 3), 9),
        Arguments.of("all byte values", allBytes(), 9),
        // a periodic block walks a cycle shorter than itself, read round until the block is full
        Arguments.of("period of two", "ab".repeat(400_000).getBytes(), 9),
        Arguments.of("period of 997", periodic(r, 997, 2_000_000), 9),
        // many full blocks of the walk's segments, lanes and pieces
        Arguments.of("random, several full blocks", randomBytes(r, 2_700_001), 9),
        Arguments.of("tiny blocks", TestPayloads.mixedContent(300_000, 5), 1),
        // around the block sizes where the walk takes a second segment, then many
        Arguments.of("4095 random bytes", randomBytes(r, 4095), 9),
        Arguments.of("8191 random bytes", randomBytes(r, 8191), 9),
        Arguments.of("8192 random bytes", randomBytes(r, 8192), 9),
        Arguments.of("8193 mixed bytes", TestPayloads.mixedContent(8193, 6), 9),
        Arguments.of("262145 random bytes", randomBytes(r, 262_145), 9),
        Arguments.of("a full level-1 block", randomBytes(r, 99_000), 1));
  }

  private static byte[] periodic(Random r, int period, int length) {
    byte[] unit = new byte[period];
    r.nextBytes(unit);
    byte[] b = new byte[length];
    for (int i = 0; i < length; i++) {
      b[i] = unit[i % period];
    }
    return b;
  }

  private static byte[] randomBytes(Random r, int length) {
    byte[] b = new byte[length];
    r.nextBytes(b);
    return b;
  }

  private static byte[] allBytes() {
    byte[] b = new byte[256 * 300];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 7 + i / 256);
    }
    return b;
  }

  static byte[] compress(byte[] data, int level) throws IOException {
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    try (BZip2CompressorOutputStream o = new BZip2CompressorOutputStream(bz, level)) {
      o.write(data);
    }
    return bz.toByteArray();
  }

  static byte[] ours(byte[] compressed) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new Bzip2Decoder().decode(compressed, out::write);
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void decodesExactlyWhatCommonsCompressDecodes(String name, byte[] data, int level)
      throws IOException {
    byte[] compressed = compress(data, level);
    byte[] reference = new BZip2CompressorInputStream(new ByteArrayInputStream(compressed))
        .readAllBytes();
    assertThat(reference).isEqualTo(data);
    assertThat(ours(compressed)).isEqualTo(data);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void damagedStreamsFailWithIoExceptionOnly(String name, byte[] data, int level)
      throws IOException {
    byte[] compressed = compress(data, level);
    Random r = new Random(name.hashCode());
    for (int i = 0; i < 60; i++) {
      byte[] bad = compressed.clone();
      if (i % 3 == 0) {
        bad = Arrays.copyOf(bad, r.nextInt(bad.length));
      } else {
        bad[r.nextInt(bad.length)] ^= (byte) (1 << r.nextInt(8));
      }
      try {
        byte[] out = ours(bad);
        // A flip the CRCs cannot see does not exist: any success must be the original.
        assertThat(out).isEqualTo(data);
      } catch (IOException expected) {
        // refused
      }
    }
  }
}
