package dev.turnout.payload;

import com.google.protobuf.ByteString;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * The hostile payload corpus, made from one good signed payload (a partition operation or more
 * and a kernel procedure): truncations at every region boundary, bit flips in each region and at
 * random, absurd manifest sizes, manifests that lie, and bzip2 bombs. Each mutant names the error
 * codes that may reject it. The library's tests feed it to the parser; it-tests serve it to the
 * daemon.
 */
public final class MutationCorpus {
  /** One hostile payload and the codes that may reject it. */
  public record Mutant(String name, byte[] bytes, Set<ErrorCode> codes) {}

  private static final Set<ErrorCode> EXEC = EnumSet.of(
      ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR);

  private final byte[] payload;
  private final PayloadFile file;
  private final long partitionSize;

  /** {@code partitionSize}: the bytes of the partition the payload is applied to. */
  public MutationCorpus(byte[] payload, PayloadFile file, long partitionSize) {
    this.payload = payload;
    this.file = file;
    this.partitionSize = partitionSize;
  }

  /** Every mutant, in the order of the methods below. */
  public List<Mutant> all() {
    List<Mutant> all = new ArrayList<>();
    all.addAll(truncations());
    all.addAll(bitFlips());
    all.addAll(randomBitFlips());
    all.addAll(absurdManifestSizes());
    all.addAll(manifestLies());
    for (int blocks : BOMB_BLOCKS) {
      all.add(bomb(blocks));
    }
    return all;
  }

  /** The payload cut just before, at and after each region boundary, and one byte too long. */
  public List<Mutant> truncations() {
    List<Long> bounds = new ArrayList<>(List.of(4L, 12L, 20L, file.metadataSize()));
    for (var op : file.manifest().getPartitionOperationsList()) {
      bounds.add(file.metadataSize() + op.getDataOffset() + op.getDataLength());
    }
    for (var op : file.manifest().getProcedures(0).getOperationsList()) {
      bounds.add(file.metadataSize() + op.getDataOffset() + op.getDataLength());
    }
    bounds.add((long) payload.length);
    Set<ErrorCode> size = EnumSet.of(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR);
    List<Mutant> out = new ArrayList<>();
    for (long b : bounds) {
      for (long at : new long[] {b - 1, b, b + 1}) {
        if (at >= 0 && at < payload.length) {
          out.add(new Mutant("truncated at " + at, Arrays.copyOf(payload, (int) at), size));
        }
      }
    }
    out.add(new Mutant("one byte too many", Arrays.copyOf(payload, payload.length + 1), size));
    return out;
  }

  /** One flipped bit in the magic, the version, a partition blob, the kernel blob, the signature. */
  public List<Mutant> bitFlips() {
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
    List<Mutant> out = new ArrayList<>();
    int i = 0;
    for (var e : at.entrySet()) {
      byte[] m = payload.clone();
      m[e.getValue()] ^= 0x10;
      out.add(new Mutant("bit flip in " + e.getKey(), m, codes.get(i++)));
    }
    return out;
  }

  /** 150 single-bit flips, the first 40 in the metadata, the rest anywhere; any code will do. */
  public List<Mutant> randomBitFlips() {
    Random r = new Random(1234);
    List<Mutant> out = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      byte[] m = payload.clone();
      int pos = i < 40 ? r.nextInt((int) file.metadataSize()) : r.nextInt(payload.length);
      m[pos] ^= (byte) (1 << r.nextInt(8));
      out.add(new Mutant("bit flip at " + pos, m, EnumSet.allOf(ErrorCode.class)));
    }
    return out;
  }

  /** A manifest size of 0, -1, 1 TiB and 17 MiB in the header. */
  public List<Mutant> absurdManifestSizes() {
    List<Mutant> out = new ArrayList<>();
    for (long size : new long[] {0, -1, 1L << 40, 17L << 20}) {
      byte[] m = payload.clone();
      ByteBuffer.wrap(m, 12, 8).putLong(size);
      out.add(new Mutant("manifest size " + size, m,
          EnumSet.of(ErrorCode.DOWNLOAD_INVALID_METADATA_SIZE)));
    }
    return out;
  }

  /** Manifests rebuilt to lie about extents, offsets, operation types, hashes and sizes. */
  public List<Mutant> manifestLies() {
    List<Mutant> out = new ArrayList<>();
    long blocks = partitionSize / 4096;
    out.add(lie("extent past the partition", op0(o -> o.setDstExtents(0,
        Extent.newBuilder().setStartBlock(blocks).setNumBlocks(256))), EXEC));
    out.add(lie("extent wrapping around", op0(o -> o.setDstExtents(0,
        Extent.newBuilder().setStartBlock(Long.MAX_VALUE / 2).setNumBlocks(256))), EXEC));
    out.add(lie("huge block count", op0(o -> o.setDstExtents(0,
        Extent.newBuilder().setStartBlock(0).setNumBlocks(Long.MAX_VALUE))), EXEC));
    out.add(lie("overlapping extents", b -> b.setPartitionOperations(1,
        b.getPartitionOperations(1).toBuilder().setDstExtents(0,
            Extent.newBuilder().setStartBlock(100).setNumBlocks(256))), EXEC));
    out.add(lie("blob out of sequence", op0(o -> o.setDataOffset(1)), EXEC));
    out.add(lie("data longer than the limit", op0(o -> o.setDataLength(-1)), EXEC));
    out.add(lie("MOVE operation", op0(o -> o.setType(InstallOperation.Type.MOVE)), EXEC));
    out.add(lie("BSDIFF operation", op0(o -> o.setType(InstallOperation.Type.BSDIFF)), EXEC));
    out.add(lie("no operation hash", op0(o -> o.clearDataSha256Hash()),
        EnumSet.of(ErrorCode.DOWNLOAD_OPERATION_HASH_MISSING_ERROR)));
    out.add(lie("short operation hash", op0(o -> o.setDataSha256Hash(ByteString.copyFrom(
        new byte[5]))), EnumSet.of(ErrorCode.DOWNLOAD_OPERATION_HASH_MISMATCH)));
    out.add(lie("block size 1000", b -> b.setBlockSize(1000), EXEC));
    out.add(lie("block size 0", b -> b.setBlockSize(0), EXEC));
    out.add(lie("no new_partition_info", b -> b.clearNewPartitionInfo(),
        EnumSet.of(ErrorCode.DOWNLOAD_PAYLOAD_VERIFICATION_ERROR)));
    out.add(lie("image larger than the partition", b -> b.setNewPartitionInfo(
        b.getNewPartitionInfo().toBuilder().setSize(partitionSize + 1)),
        EnumSet.of(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR)));
    out.add(lie("wrong partition hash", b -> b.setNewPartitionInfo(
        b.getNewPartitionInfo().toBuilder().setHash(ByteString.copyFrom(new byte[32]))),
        EnumSet.of(ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR)));
    out.add(lie("signature blob misplaced", b -> b.setSignaturesOffset(7), EXEC));
    out.add(lie("kernel extent past its size", b -> b.setProcedures(0,
        b.getProcedures(0).toBuilder().setOperations(0, b.getProcedures(0).getOperations(0)
            .toBuilder().setDstExtents(0, Extent.newBuilder().setStartBlock(1000)
                .setNumBlocks(10)))), EXEC));
    byte[] garbage = payload.clone();
    Arrays.fill(garbage, 20, (int) file.metadataSize(), (byte) 0xFF);
    out.add(new Mutant("garbage manifest", garbage,
        EnumSet.of(ErrorCode.DOWNLOAD_MANIFEST_PARSE_ERROR)));
    return out;
  }

  /** The block counts the bombs are aimed at. */
  public static final int[] BOMB_BLOCKS = {1, 16, 256};

  /**
   * A REPLACE_BZ operation whose 45-byte blob expands to 8 MiB, aimed at the last {@code blocks}
   * blocks of the partition: the apply must stop one byte past its extents.
   */
  public Mutant bomb(int blocks) {
    ByteArrayOutputStream bz = new ByteArrayOutputStream();
    try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(bz, 9)) {
      out.write(new byte[8 << 20]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bomb = bz.toByteArray();
    DeltaArchiveManifest m = DeltaArchiveManifest.newBuilder().setBlockSize(4096)
        .addPartitionOperations(InstallOperation.newBuilder()
            .setType(InstallOperation.Type.REPLACE_BZ).setDataOffset(0)
            .setDataLength(bomb.length)
            .setDataSha256Hash(ByteString.copyFrom(CrauFormat.sha256().digest(bomb)))
            .addDstExtents(Extent.newBuilder().setStartBlock(partitionSize / 4096 - blocks)
                .setNumBlocks(blocks)))
        .setNewPartitionInfo(file.manifest().getNewPartitionInfo().toBuilder().setSize(4096))
        .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PayloadSigner.header(m));
    out.writeBytes(m.toByteArray());
    out.writeBytes(bomb);
    return new Mutant("bomb into " + blocks + " blocks", out.toByteArray(), EXEC);
  }

  /** The payload rebuilt with an edited manifest and the original blobs. */
  private Mutant lie(String name, UnaryOperator<DeltaArchiveManifest.Builder> edit,
      Set<ErrorCode> codes) {
    DeltaArchiveManifest m = edit.apply(file.manifest().toBuilder()).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(PayloadSigner.header(m));
    out.writeBytes(m.toByteArray());
    out.write(payload, (int) file.metadataSize(), payload.length - (int) file.metadataSize());
    return new Mutant(name, out.toByteArray(), codes);
  }

  private static UnaryOperator<DeltaArchiveManifest.Builder> op0(
      UnaryOperator<InstallOperation.Builder> edit) {
    return b -> b.setPartitionOperations(0, edit.apply(b.getPartitionOperations(0).toBuilder()));
  }
}
