package dev.turnout.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of mutated payloads: truncations at every region boundary, bit flips everywhere, absurd
 * lengths, bad extents, delta operations, bzip2 bombs. Every one must be rejected with our own
 * error type and a fitting code, and none may write outside the target partition.
 */
class HostilePayloadTest {
  @TempDir static Path dir;
  static byte[] payload;
  static PayloadFile file;
  static final int PARTITION = 3 << 20;

  @BeforeAll
  static void setUp() throws Exception {
    Path p = TestPayloads.payload(dir, TestPayloads.mixedContent(2_300_000, 21),
        TestPayloads.mixedContent(700_000, 22), List.of(TestPayloads.devPrivate()));
    payload = Files.readAllBytes(p);
    file = PayloadFile.read(p);
  }

  /** Applies a payload into a guarded partition; returns the error, asserting guards held. */
  private static PayloadException reject(String name, byte[] mutant) throws Exception {
    Path d = Files.createTempDirectory(dir, "m");
    try (Applier a = new Applier(d, PARTITION)) {
      Throwable thrown = null;
      try {
        a.apply(mutant, Applier.Feed.RANDOM_SPLITS, List.of(TestPayloads.devPublic()));
      } catch (Throwable t) {
        thrown = t;
      }
      assertThat(thrown).as(name + " was accepted").isNotNull();
      assertThat(thrown).as(name).isInstanceOf(PayloadException.class);
      assertThat(a.guardsIntact()).as(name + " wrote outside the partition").isTrue();
      return (PayloadException) thrown;
    } finally {
      try (var files = Files.walk(d)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  private static int corpus;

  private static void expect(String name, byte[] mutant, Set<ErrorCode> codes) throws Exception {
    PayloadException e = reject(name, mutant);
    corpus++;
    assertThat(e.code()).as(name + ": " + e.getMessage()).isIn(codes);
  }

  @Test
  void truncationsAtEveryRegionBoundary() throws Exception {
    List<Long> bounds = new ArrayList<>(List.of(4L, 12L, 20L, file.metadataSize()));
    for (var op : file.manifest().getPartitionOperationsList()) {
      bounds.add(file.metadataSize() + op.getDataOffset() + op.getDataLength());
    }
    for (var op : file.manifest().getProcedures(0).getOperationsList()) {
      bounds.add(file.metadataSize() + op.getDataOffset() + op.getDataLength());
    }
    bounds.add((long) payload.length);
    for (long b : bounds) {
      for (long at : new long[] {b - 1, b, b + 1}) {
        if (at >= 0 && at < payload.length) {
          expect("truncated at " + at, java.util.Arrays.copyOf(payload, (int) at),
              EnumSet.of(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR));
        }
      }
    }
    expect("one byte too many", java.util.Arrays.copyOf(payload, payload.length + 1),
        EnumSet.of(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR));
  }

  @Test
  void bitFlipsInEachRegionGetTheirCode() throws Exception {
    Map<String, Integer> at = new LinkedHashMap<>();
    at.put("magic", 1);
    at.put("version", 11);
    at.put("first blob", (int) file.metadataSize() + 100);
    at.put("kernel blob", (int) (file.metadataSize()
        + file.manifest().getProcedures(0).getOperations(0).getDataOffset() + 10));
    at.put("signature", payload.length - 20);
    List<Set<ErrorCode>> codes = List.of(
        EnumSet.of(ErrorCode.DOWNLOAD_INVALID_METADATA_MAGIC_STRING),
        EnumSet.of(ErrorCode.DOWNLOAD_INVALID_METADATA_MAGIC_STRING),
        EnumSet.of(ErrorCode.DOWNLOAD_OPERATION_HASH_MISMATCH),
        EnumSet.of(ErrorCode.DOWNLOAD_OPERATION_HASH_MISMATCH),
        EnumSet.of(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR));
    int i = 0;
    for (var e : at.entrySet()) {
      byte[] m = payload.clone();
      m[e.getValue()] ^= 0x10;
      expect("bit flip in " + e.getKey(), m, codes.get(i++));
    }
  }

  @Test
  void randomBitFlipsAnywhere() throws Exception {
    Random r = new Random(1234);
    for (int i = 0; i < 150; i++) {
      byte[] m = payload.clone();
      int pos = i < 40 ? r.nextInt((int) file.metadataSize()) : r.nextInt(payload.length);
      m[pos] ^= (byte) (1 << r.nextInt(8));
      expect("bit flip at " + pos, m, EnumSet.allOf(ErrorCode.class));
    }
  }

  @Test
  void absurdManifestSizes() throws Exception {
    for (long size : new long[] {0, -1, 1L << 40, 17L << 20}) {
      byte[] m = payload.clone();
      ByteBuffer.wrap(m, 12, 8).putLong(size);
      expect("manifest size " + size, m, EnumSet.of(ErrorCode.DOWNLOAD_INVALID_METADATA_SIZE));
    }
  }

  /** Rebuilds the payload with an edited manifest and the original blobs. */
  private static byte[] withManifest(UnaryOperator<DeltaArchiveManifest.Builder> edit) {
    DeltaArchiveManifest m = edit.apply(file.manifest().toBuilder()).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PayloadSigner.header(m));
    out.writeBytes(m.toByteArray());
    out.write(payload, (int) file.metadataSize(), payload.length - (int) file.metadataSize());
    return out.toByteArray();
  }

  private static UnaryOperator<DeltaArchiveManifest.Builder> op0(
      UnaryOperator<InstallOperation.Builder> edit) {
    return b -> b.setPartitionOperations(0, edit.apply(b.getPartitionOperations(0).toBuilder()));
  }

  @Test
  void manifestLies() throws Exception {
    Set<ErrorCode> exec = EnumSet.of(ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR);
    expect("extent past the partition", withManifest(op0(o -> o.setDstExtents(0,
        Extent.newBuilder().setStartBlock(PARTITION / 4096).setNumBlocks(256)))), exec);
    expect("extent wrapping around", withManifest(op0(o -> o.setDstExtents(0,
        Extent.newBuilder().setStartBlock(Long.MAX_VALUE / 2).setNumBlocks(256)))), exec);
    expect("huge block count", withManifest(op0(o -> o.setDstExtents(0,
        Extent.newBuilder().setStartBlock(0).setNumBlocks(Long.MAX_VALUE)))), exec);
    expect("overlapping extents", withManifest(b -> b.setPartitionOperations(1,
        b.getPartitionOperations(1).toBuilder().setDstExtents(0,
            Extent.newBuilder().setStartBlock(100).setNumBlocks(256)))), exec);
    expect("blob out of sequence", withManifest(op0(o -> o.setDataOffset(1))), exec);
    expect("data longer than the limit", withManifest(op0(o -> o.setDataLength(-1))), exec);
    expect("MOVE operation", withManifest(op0(o -> o.setType(InstallOperation.Type.MOVE))), exec);
    expect("BSDIFF operation", withManifest(op0(o -> o.setType(InstallOperation.Type.BSDIFF))),
        exec);
    expect("no operation hash", withManifest(op0(o -> o.clearDataSha256Hash())),
        EnumSet.of(ErrorCode.DOWNLOAD_OPERATION_HASH_MISSING_ERROR));
    expect("short operation hash", withManifest(op0(o -> o.setDataSha256Hash(ByteString.copyFrom(
        new byte[5])))), EnumSet.of(ErrorCode.DOWNLOAD_OPERATION_HASH_MISMATCH));
    expect("block size 1000", withManifest(b -> b.setBlockSize(1000)), exec);
    expect("block size 0", withManifest(b -> b.setBlockSize(0)), exec);
    expect("no new_partition_info", withManifest(b -> b.clearNewPartitionInfo()),
        EnumSet.of(ErrorCode.DOWNLOAD_PAYLOAD_VERIFICATION_ERROR));
    expect("image larger than the partition", withManifest(b -> b.setNewPartitionInfo(
        b.getNewPartitionInfo().toBuilder().setSize(PARTITION + 1))),
        EnumSet.of(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR));
    expect("wrong partition hash", withManifest(b -> b.setNewPartitionInfo(
        b.getNewPartitionInfo().toBuilder().setHash(ByteString.copyFrom(new byte[32])))),
        EnumSet.of(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR));
    expect("signature blob misplaced", withManifest(b -> b.setSignaturesOffset(7)), exec);
    expect("kernel extent past its size", withManifest(b -> b.setProcedures(0,
        b.getProcedures(0).toBuilder().setOperations(0, b.getProcedures(0).getOperations(0)
            .toBuilder().setDstExtents(0, Extent.newBuilder().setStartBlock(1000)
                .setNumBlocks(10))))), exec);
    byte[] garbage = payload.clone();
    java.util.Arrays.fill(garbage, 20, (int) file.metadataSize(), (byte) 0xFF);
    expect("garbage manifest", garbage, EnumSet.of(ErrorCode.DOWNLOAD_MANIFEST_PARSE_ERROR));
  }

  @Test
  void bzip2BombStopsAtItsExtents() throws Exception {
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(bz, 9)) {
      out.write(new byte[8 << 20]);
    }
    byte[] bomb = bz.toByteArray();
    for (int blocks : new int[] {1, 16, 256}) {
      DeltaArchiveManifest.Builder b = DeltaArchiveManifest.newBuilder().setBlockSize(4096)
          .addPartitionOperations(InstallOperation.newBuilder()
              .setType(InstallOperation.Type.REPLACE_BZ).setDataOffset(0)
              .setDataLength(bomb.length)
              .setDataSha256Hash(ByteString.copyFrom(PayloadConsumer.sha256().digest(bomb)))
              .addDstExtents(Extent.newBuilder().setStartBlock(PARTITION / 4096 - blocks)
                  .setNumBlocks(blocks)))
          .setNewPartitionInfo(file.manifest().getNewPartitionInfo().toBuilder().setSize(4096));
      DeltaArchiveManifest m = b.build();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(PayloadSigner.header(m));
      out.writeBytes(m.toByteArray());
      out.writeBytes(bomb);
      PayloadException e = reject("bomb into " + blocks + " blocks", out.toByteArray());
      corpus++;
      assertThat(e.code()).isEqualTo(ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR);
      assertThat(e.reason()).contains("partition operation 0: data is larger than its extents ("
          + blocks * 4096 + " bytes); stopped at byte " + (blocks * 4096 + 1));
    }
  }

  @org.junit.jupiter.api.AfterAll
  static void corpusSize() {
    System.out.println("hostile payload corpus: " + corpus + " mutants rejected");
  }
}
