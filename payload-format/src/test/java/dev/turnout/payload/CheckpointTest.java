package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the stream at many offsets, cuts the power (everything not forced is lost), and resumes from
 * the checkpoint: the result must be the same bytes and the same verdict as an uninterrupted apply.
 */
class CheckpointTest {
  @TempDir static Path dir;
  static byte[] image;
  static byte[] kernel;
  static byte[] payload;
  static PayloadFile file;
  static final int PARTITION = 4 << 20;

  @BeforeAll
  static void payload() throws Exception {
    image = TestPayloads.mixedContent(3 * 1024 * 1024 + 777, 11);
    kernel = TestPayloads.mixedContent(1_500_000, 12);
    Path p = TestPayloads.payload(dir, image, kernel, List.of(TestPayloads.devPrivate()));
    payload = Files.readAllBytes(p);
    file = PayloadFile.read(p);
  }

  private static PayloadConsumerBuilder consumer(VolatileTarget part, VolatileTarget k)
      throws Exception {
    return PayloadConsumer.builder().partition(part).kernel(k).threads(2)
        .trustedKeys(List.of(TestPayloads.devPublic()));
  }

  /** Offsets worth cutting at: every region boundary, either side, and random ones. */
  private static TreeSet<Integer> cuts() {
    TreeSet<Integer> cuts = new TreeSet<>();
    List<Long> bounds = new ArrayList<>(List.of(0L, 20L, file.metadataSize()));
    long at = file.metadataSize();
    for (var op : file.manifest().getPartitionOperationsList()) {
      bounds.add(at + op.getDataOffset() + op.getDataLength());
    }
    for (var op : file.manifest().getProcedures(0).getOperationsList()) {
      bounds.add(at + op.getDataOffset() + op.getDataLength());
    }
    bounds.add((long) payload.length);
    for (long b : bounds) {
      for (long d = -1; d <= 1; d++) {
        if (b + d >= 0 && b + d <= payload.length) {
          cuts.add((int) (b + d));
        }
      }
    }
    Random r = new Random(5);
    while (cuts.size() < bounds.size() * 3 + 12) {
      cuts.add(r.nextInt(payload.length + 1));
    }
    return cuts;
  }

  @Test
  void resumingAfterAPowerCutAnywhereGivesTheSameResult() throws Exception {
    VolatileTarget refPart = new VolatileTarget(new byte[PARTITION]);
    VolatileTarget refKernel = new VolatileTarget(new byte[4 << 20]);
    PayloadResult reference;
    try (PayloadConsumer c = consumer(refPart, refKernel).build()) {
      c.write(ByteBuffer.wrap(payload));
      reference = c.finish();
    }
    byte[] expectedPartition = refPart.cached();
    assertThat(Arrays.copyOf(expectedPartition, image.length)).isEqualTo(image);

    int resumedFromOperation = 0;
    for (int cut : cuts()) {
      VolatileTarget part = new VolatileTarget(new byte[PARTITION]);
      VolatileTarget k = new VolatileTarget(new byte[4 << 20]);
      Checkpoint cp;
      try (PayloadConsumer first = consumer(part, k).build()) {
        Applier.Feed.RANDOM_SPLITS.feed(payload, 0, cut, first, cut);
        first.drain();
        cp = first.checkpoint();
      }
      // Power cut: only forced data survives; the checkpoint goes through its encoded form.
      VolatileTarget part2 = new VolatileTarget(part.durable());
      VolatileTarget k2 = new VolatileTarget(k.durable());
      PayloadConsumerBuilder b = consumer(part2, k2);
      if (cp != null) {
        b.resumeFrom(Checkpoint.decode(cp.encode()));
      }
      PayloadResult result;
      try (PayloadConsumer second = b.build()) {
        if (cp == null) {
          second.write(ByteBuffer.wrap(payload));
        } else {
          Applier.Feed.RANDOM_SPLITS.feed(payload, 0, (int) cp.metadataSize(), second, cut);
          Applier.Feed.RANDOM_SPLITS.feed(payload, (int) cp.resumeOffset(), payload.length,
              second, cut + 1);
          resumedFromOperation = Math.max(resumedFromOperation, cp.nextOperation());
        }
        result = second.finish();
      }
      assertThat(part2.cached()).as("partition after a cut at %d", cut)
          .isEqualTo(expectedPartition);
      assertThat(Arrays.copyOf(k2.cached(), kernel.length)).isEqualTo(kernel);
      assertThat(result.sha256()).isEqualTo(reference.sha256());
      assertThat(result.signedHash()).isEqualTo(reference.signedHash());
      assertThat(result.size()).isEqualTo(reference.size());
      if (cp != null && cut >= file.metadataSize() + file.manifest().getPartitionOperations(0)
          .getDataLength()) {
        assertThat(cp.nextOperation()).as("checkpoint after a cut at %d", cut).isPositive();
      }
    }
    assertThat(resumedFromOperation).as("a cut at the very end resumes past every operation")
        .isEqualTo(file.manifest().getPartitionOperationsCount()
            + file.manifest().getProcedures(0).getOperationsCount());
  }

  @Test
  void aCheckpointFromAnotherPayloadIsRefused() throws Exception {
    VolatileTarget part = new VolatileTarget(new byte[PARTITION]);
    Checkpoint cp;
    try (PayloadConsumer c = consumer(part, null).build()) {
      c.write(ByteBuffer.wrap(payload, 0, payload.length / 2));
      c.drain();
      cp = c.checkpoint();
    }
    Checkpoint forged = new Checkpoint(cp.nextOperation(), cp.nextDataOffset(), cp.hashState(),
        cp.signedHashState(), cp.signatureBlob(), cp.metadataSize(), new byte[32]);
    try (PayloadConsumer c = consumer(part, null).resumeFrom(forged).build()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> c.write(ByteBuffer.wrap(payload, 0, (int) cp.metadataSize())))
          .isInstanceOf(PayloadException.class)
          .hasMessageContaining("belongs to a different payload")
          .hasMessageContaining("error 20");
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Checkpoint.decode(new byte[] {1, 2}))
        .isInstanceOf(PayloadException.class).hasMessageContaining("error 20");
  }
}
