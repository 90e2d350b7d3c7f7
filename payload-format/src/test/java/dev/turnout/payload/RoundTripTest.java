package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** generate -> sign -> apply reproduces the image and kernel byte for byte, in every chunking. */
class RoundTripTest {
  @TempDir Path dir;

  static Stream<Arguments> cases() {
    return Stream.of(Applier.Feed.values()).flatMap(feed -> Stream.of(
        Arguments.of(feed, "one block", 4096, 0),
        Arguments.of(feed, "unaligned size, 0-byte kernel", 3 * 4096 + 123, 0),
        Arguments.of(feed, "several MiB of mixed content with a kernel",
            feed == Applier.Feed.ONE_BYTE ? 1_300_000 : 3_500_000, 1_100_000)));
  }

  @ParameterizedTest(name = "{1}, fed {0}")
  @MethodSource("cases")
  void reproducesImageAndKernel(Applier.Feed feed, String name, int imageSize, int kernelSize)
      throws Exception {
    byte[] image = TestPayloads.mixedContent(imageSize, imageSize);
    byte[] kernel = TestPayloads.mixedContent(kernelSize, 7);
    Path payload = TestPayloads.payload(dir, image, kernel, List.of(TestPayloads.devPrivate()));
    long partitionSize = PayloadPlan.roundUp(imageSize, 4096) + 8192;
    try (Applier a = new Applier(dir, partitionSize)) {
      PayloadResult r = a.apply(Files.readAllBytes(payload), feed,
          List.of(TestPayloads.devPublic()));
      byte[] written = a.partitionBytes();
      assertThat(Arrays.copyOf(written, imageSize)).isEqualTo(image);
      assertThat(Arrays.copyOfRange(written, imageSize, written.length)).containsOnly(0);
      assertThat(Files.readAllBytes(a.kernelPath)).isEqualTo(kernel);
      assertThat(a.guardsIntact()).isTrue();
      assertThat(r.size()).isEqualTo(Files.size(payload));
      assertThat(r.newPartitionSize()).isEqualTo(imageSize);
      assertThat(r.verifiedBy()).isEqualTo("flatcar-developer-v1.pub.pem");
      assertThat(r.sha256()).isEqualTo(CrauFormat.sha256().digest(Files.readAllBytes(payload)));
    }
  }
}
