package dev.turnout.payload;

import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallInfo;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import dev.turnout.payload.proto.UpdateMetadata.InstallProcedure;
import java.util.ArrayList;
import java.util.List;

/**
 * A manifest checked in full before a single byte is written: every operation a full-payload type,
 * every blob in strict sequence with a hash, every extent inside its target, the signature blob
 * last. A payload that passes cannot make the executor write outside a target or out of order.
 *
 * @param blobAreaSize bytes of operation blobs (the signature blob starts here)
 */
record PayloadPlan(DeltaArchiveManifest manifest, int blockSize, List<Step> steps,
    long blobAreaSize, InstallInfo kernelInfo, InstallInfo pcrInfo) {

  PayloadPlan {
    steps = List.copyOf(steps);
  }

  boolean signed() {
    return manifest.hasSignaturesOffset() && manifest.getSignaturesSize() > 0;
  }

  long signaturesSize() {
    return signed() ? manifest.getSignaturesSize() : 0;
  }

  /**
   * Checks {@code m} against target sizes.
   *
   * @param partitionSize bytes writable in the target partition
   */
  static PayloadPlan of(DeltaArchiveManifest m, long partitionSize, PayloadLimits limits)
      throws PayloadException {
    int bs = m.getBlockSize();
    if (bs < PayloadLimits.MIN_BLOCK_SIZE || bs > PayloadLimits.MAX_BLOCK_SIZE
        || Integer.bitCount(bs) != 1) {
      throw exec("block size " + Integer.toUnsignedString(bs)
          + " is not a power of two between 512 and 1 MiB");
    }
    if (!m.hasNewPartitionInfo() || !m.getNewPartitionInfo().hasSize()
        || m.getNewPartitionInfo().getHash().size() != 32) {
      throw new PayloadException(ErrorCode.DOWNLOAD_PAYLOAD_VERIFICATION_ERROR,
          "the manifest has no new_partition_info with a size and a SHA-256");
    }
    long newSize = m.getNewPartitionInfo().getSize();
    if (newSize < 0 || newSize > partitionSize) {
      throw new PayloadException(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, String.format(
          "the new image (%s bytes) does not fit the target partition (%d bytes)",
          Long.toUnsignedString(newSize), partitionSize));
    }
    List<Step> steps = new ArrayList<>();
    long[] offset = {0};
    for (int i = 0; i < m.getPartitionOperationsCount(); i++) {
      steps.add(step(steps.size(), Step.Sink.PARTITION, "partition operation " + i,
          m.getPartitionOperations(i), bs, partitionSize, offset, limits));
    }
    InstallInfo kernel = null;
    InstallInfo pcr = null;
    for (int p = 0; p < m.getProceduresCount(); p++) {
      InstallProcedure proc = m.getProcedures(p);
      Step.Sink sink = !proc.hasType() ? Step.Sink.DISCARD
          : proc.getType() == InstallProcedure.Type.KERNEL ? Step.Sink.KERNEL : Step.Sink.PCR_POLICY;
      String name = switch (sink) {
        case KERNEL -> "kernel";
        case PCR_POLICY -> "PCR policy";
        default -> "procedure " + p;
      };
      if (sink != Step.Sink.DISCARD) {
        if ((sink == Step.Sink.KERNEL ? kernel : pcr) != null) {
          throw exec("the manifest has two " + name + " procedures");
        }
        InstallInfo info = proc.getNewInfo();
        if (!proc.hasNewInfo() || info.getHash().size() != 32 || info.getSize() < 0
            || info.getSize() > limits.maxKernelSize()) {
          throw exec("the " + name + " procedure has no usable new_info (size up to "
              + limits.maxKernelSize() + " bytes and a SHA-256)");
        }
        if (sink == Step.Sink.KERNEL) {
          kernel = info;
        } else {
          pcr = info;
        }
      }
      long limit = sink == Step.Sink.DISCARD ? Long.MAX_VALUE
          : roundUp(proc.getNewInfo().getSize(), bs);
      for (int i = 0; i < proc.getOperationsCount(); i++) {
        steps.add(step(steps.size(), sink, name + " operation " + i, proc.getOperations(i), bs,
            limit, offset, limits));
      }
    }
    checkOverlaps(steps, bs);
    if (m.hasSignaturesOffset() && m.getSignaturesOffset() != offset[0]) {
      throw exec(String.format("the signature blob is at offset %s, not right after the last "
          + "operation's data (%d)", Long.toUnsignedString(m.getSignaturesOffset()), offset[0]));
    }
    if (m.getSignaturesSize() < 0 || m.getSignaturesSize() > 64 * 1024) {
      throw exec("signature blob of " + Long.toUnsignedString(m.getSignaturesSize())
          + " bytes is larger than 64 KiB");
    }
    return new PayloadPlan(m, bs, steps, offset[0], kernel, pcr);
  }

  private static Step step(int index, Step.Sink sink, String label, InstallOperation op, int bs,
      long targetSize, long[] offset, PayloadLimits limits) throws PayloadException {
    if (!op.hasType() || op.getType() == InstallOperation.Type.MOVE
        || op.getType() == InstallOperation.Type.BSDIFF) {
      String type = op.hasType() ? op.getType().name() : "an unknown type";
      throw exec(label + ": " + type + " operation: delta payloads are not supported");
    }
    long length = Integer.toUnsignedLong(op.getDataLength());
    if (length > 0) {
      long at = Integer.toUnsignedLong(op.getDataOffset());
      if (at != offset[0]) {
        throw exec(String.format("%s: data at offset %d, expected %d (blobs must be in sequence)",
            label, at, offset[0]));
      }
      if (length > limits.maxOperationData()) {
        throw exec(label + ": " + length + " bytes of data, more than the limit of "
            + limits.maxOperationData());
      }
      if (op.getDataSha256Hash().isEmpty()) {
        throw new PayloadException(ErrorCode.DOWNLOAD_OPERATION_HASH_MISSING_ERROR,
            label + ": no data_sha256_hash for its " + length + " bytes of data");
      }
      if (op.getDataSha256Hash().size() != 32) {
        throw new PayloadException(ErrorCode.DOWNLOAD_OPERATION_HASH_MISMATCH,
            label + ": data_sha256_hash is " + op.getDataSha256Hash().size() + " bytes, not 32");
      }
      if (offset[0] + length > PayloadLimits.MAX_BLOB_AREA) {
        throw exec(label + ": data ends beyond the 4 GiB blob area");
      }
    }
    long capacity = 0;
    for (int e = 0; e < op.getDstExtentsCount(); e++) {
      Extent x = op.getDstExtents(e);
      long blocks = x.getNumBlocks();
      if (blocks < 0 || blocks > (1L << 40) / bs) {
        throw exec(label + ": extent " + e + " has an absurd block count");
      }
      if (x.getStartBlock() != PayloadLimits.SPARSE_HOLE) {
        long start = x.getStartBlock();
        if (start < 0 || start > targetSize / bs || (start + blocks) * bs > targetSize) {
          throw exec(String.format("%s: extent %d (blocks %s+%d) lies outside the target (%d bytes)",
              label, e, Long.toUnsignedString(start), blocks, targetSize));
        }
      }
      capacity += blocks * bs;
    }
    if (op.getType() == InstallOperation.Type.REPLACE && length > capacity) {
      throw exec(String.format("%s: %d bytes of data for %d bytes of extents", label, length,
          capacity));
    }
    Step s = new Step(index, sink, label, op, offset[0], length);
    offset[0] += length;
    return s;
  }

  /**
   * Operations run in parallel, so two that write the same block would race: refuse any overlap
   * between the destination extents written to one target.
   */
  private static void checkOverlaps(List<Step> steps, int bs) throws PayloadException {
    record Span(long start, long end, String label, Step.Sink sink) {}
    List<Span> spans = new ArrayList<>();
    for (Step s : steps) {
      if (s.sink() == Step.Sink.DISCARD) {
        continue;
      }
      for (Extent x : s.op().getDstExtentsList()) {
        if (x.getStartBlock() != PayloadLimits.SPARSE_HOLE && x.getNumBlocks() > 0) {
          spans.add(new Span(x.getStartBlock(), x.getStartBlock() + x.getNumBlocks(), s.label(),
              s.sink()));
        }
      }
    }
    spans.sort(java.util.Comparator.comparing(Span::sink).thenComparingLong(Span::start));
    for (int i = 1; i < spans.size(); i++) {
      Span a = spans.get(i - 1);
      Span b = spans.get(i);
      if (a.sink() == b.sink() && b.start() < a.end()) {
        throw exec(String.format("%s and %s both write block %d", a.label(), b.label(), b.start()));
      }
    }
  }

  static long roundUp(long n, int bs) {
    return (n + bs - 1) / bs * bs;
  }

  private static PayloadException exec(String message) {
    return new PayloadException(ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR, message);
  }
}
