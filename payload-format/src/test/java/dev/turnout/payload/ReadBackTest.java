package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The partition read back while the apply goes on: never early, in step with it, and caught. */
class ReadBackTest {
  private static final int BS = 4096;

  /** A partition in memory that notes which blocks were written and which reads came too soon. */
  static class Recording implements PayloadTarget {
    final byte[] bytes;
    final BitSet written = new BitSet();
    final List<String> early = new ArrayList<>();
    volatile long readUpTo;

    Recording(int size) {
      bytes = new byte[size];
    }

    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public synchronized void write(long offset, ByteBuffer src) {
      int n = src.remaining();
      src.get(bytes, (int) offset, n);
      written.set((int) (offset / BS), (int) ((offset + n + BS - 1) / BS));
    }

    @Override
    public synchronized void read(long offset, ByteBuffer dst) {
      int n = dst.remaining();
      for (long b = offset / BS; b < (offset + n + BS - 1) / BS; b++) {
        if (!written.get((int) b)) {
          early.add("block " + b);
        }
      }
      dst.put(bytes, (int) offset, n);
      readUpTo = Math.max(readUpTo, offset + n);
    }

    @Override
    public void force() {}

    @Override
    public void close() {}
  }

  /** A target that does not keep what is written to byte {@code at}: a bit of it is lost. */
  private static Recording losingABitAt(int size, int at) {
    return new Recording(size) {
      @Override
      public synchronized void write(long offset, ByteBuffer src) {
        int n = src.remaining();
        super.write(offset, src);
        if (offset <= at && at < offset + n) {
          bytes[at] ^= 1;
        }
      }
    };
  }

  /** {@code n} partition steps of {@code blocks} blocks each, step i at {@code order[i]}. */
  private static List<Step> steps(int[] order, int blocks) {
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < order.length; i++) {
      InstallOperation op = InstallOperation.newBuilder().setType(InstallOperation.Type.REPLACE)
          .addDstExtents(Extent.newBuilder().setStartBlock((long) order[i] * blocks)
              .setNumBlocks(blocks)).build();
      steps.add(new Step(i, Step.Sink.PARTITION, "partition operation " + i, op, 0, 0));
    }
    return steps;
  }

  private static byte[] image(int blocks, long seed) {
    byte[] image = new byte[blocks * BS];
    new Random(seed).nextBytes(image);
    return image;
  }

  /** Where step i writes: the i-th range, or the ranges from the last down. */
  private static int[] order(int n, boolean ascending) {
    int[] at = new int[n];
    for (int i = 0; i < n; i++) {
      at[i] = ascending ? i : n - 1 - i;
    }
    return at;
  }

  private static void write(Recording t, Step s, byte[] image) throws IOException {
    Extent x = s.op().getDstExtents(0);
    int from = (int) (x.getStartBlock() * BS);
    t.write(from, ByteBuffer.wrap(image, from, (int) (x.getNumBlocks() * BS)));
  }

  private static void awaitReadUpTo(Recording t, long offset) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (t.readUpTo < offset && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  @Test
  void readsEachRangeOnlyOnceWrittenAndKeepsUpWithTheApply() throws Exception {
    int blocks = 64;
    int n = 16;
    byte[] image = image(n * blocks, 3);
    List<Step> steps = steps(order(n, true), blocks);
    Recording t = new Recording(image.length + 8 * BS); // a partition larger than the image
    try (ReadBack r = ReadBack.start(steps, BS, t, image.length, 0)) {
      // operations finish out of order, as on the pool: 1, 0, 3, 2, ...; all but the last two
      BitSet finished = new BitSet();
      for (int i = 0; i < n - 2; i += 2) {
        for (int s : new int[] {i + 1, i}) {
          write(t, steps.get(s), image);
          finished.set(s);
          r.finished(finished.nextClearBit(0));
        }
      }
      // before the last operations are written, everything below them is read already
      long lastTwo = (long) (n - 2) * blocks * BS;
      awaitReadUpTo(t, lastTwo);
      assertThat(t.readUpTo).isEqualTo(lastTwo);
      write(t, steps.get(n - 1), image);
      write(t, steps.get(n - 2), image);
      assertThat(r.finish()).isEqualTo(CrauFormat.sha256().digest(image));
    }
    assertThat(t.early).isEmpty();
    assertThat(t.readUpTo).as("nothing past the image is read").isEqualTo(image.length);
  }

  @Test
  void operationsInDescendingOrderAreReadOnlyWhenAllAreWritten() throws Exception {
    int blocks = 16;
    int n = 8;
    byte[] image = image(n * blocks, 4);
    List<Step> steps = steps(order(n, false), blocks);
    Recording t = new Recording(image.length);
    try (ReadBack r = ReadBack.start(steps, BS, t, image.length, 0)) {
      for (int i = 0; i < n - 1; i++) {
        write(t, steps.get(i), image);
        r.finished(i + 1);
      }
      Thread.sleep(50);
      assertThat(t.readUpTo).as("block 0 is written last, so nothing is final yet").isZero();
      write(t, steps.get(n - 1), image);
      assertThat(r.finish()).isEqualTo(CrauFormat.sha256().digest(image));
    }
    assertThat(t.early).isEmpty();
  }

  @Test
  void aResumedApplyReadsTheStepsWrittenBeforeItFirst() throws Exception {
    int blocks = 8;
    byte[] image = image(4 * blocks, 5);
    List<Step> steps = steps(order(4, true), blocks);
    Recording t = new Recording(image.length);
    write(t, steps.get(0), image); // written before the restart
    write(t, steps.get(1), image);
    try (ReadBack r = ReadBack.start(steps, BS, t, image.length, 2)) {
      awaitReadUpTo(t, 2L * blocks * BS);
      assertThat(t.readUpTo).isEqualTo(2L * blocks * BS);
      write(t, steps.get(2), image);
      write(t, steps.get(3), image);
      assertThat(r.finish()).isEqualTo(CrauFormat.sha256().digest(image));
    }
    assertThat(t.early).isEmpty();
  }

  @Test
  void aFailedReadIsReportedByFinish() throws Exception {
    List<Step> steps = steps(new int[] {0}, 4);
    Recording t = new Recording(2 * BS); // shorter than the image the manifest names
    try (ReadBack r = ReadBack.start(steps, BS, t, 4 * BS, 0)) {
      r.finished(1);
      assertThatThrownBy(r::finish).isInstanceOf(IOException.class);
    }
  }

  @Test
  void aPartitionThatDoesNotKeepWhatWasWrittenFailsTheApply(@TempDir Path dir) throws Exception {
    byte[] image = TestPayloads.mixedContent(3 << 20, 9);
    byte[] payload = Files.readAllBytes(TestPayloads.payload(dir, image, null,
        List.of(TestPayloads.devPrivate())));
    Recording disk = losingABitAt(image.length, 1_500_000);
    try (PayloadConsumer c = PayloadConsumer.builder().partition(disk)
        .trustedKeys(List.of(TestPayloads.devPublic())).threads(2).build()) {
      c.write(ByteBuffer.wrap(payload));
      assertThatThrownBy(c::finish).isInstanceOf(PayloadException.class)
          .hasMessage("the new partition does not match the manifest's SHA-256 after writing"
              + " (error 15, NEW_ROOTFS_VERIFICATION_ERROR)")
          .satisfies(e -> assertThat(((PayloadException) e).code())
              .isEqualTo(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR));
    }
    assertThat(disk.early).isEmpty();
  }

  @Test
  void aKernelFileThatDoesNotKeepWhatWasWrittenIsError16(@TempDir Path dir) throws Exception {
    byte[] image = TestPayloads.mixedContent(1 << 20, 10);
    byte[] kernel = TestPayloads.mixedContent(200_000, 11);
    byte[] payload = Files.readAllBytes(TestPayloads.payload(dir, image, kernel,
        List.of(TestPayloads.devPrivate())));
    Recording file = losingABitAt(kernel.length + BS, 100_000); // last block written whole
    try (PayloadConsumer c = PayloadConsumer.builder().partition(new Recording(image.length))
        .kernel(file).trustedKeys(List.of(TestPayloads.devPublic())).threads(2).build()) {
      c.write(ByteBuffer.wrap(payload));
      assertThatThrownBy(c::finish).isInstanceOfSatisfying(PayloadException.class,
          e -> assertThat(e.code()).isEqualTo(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR));
    }
  }
}
