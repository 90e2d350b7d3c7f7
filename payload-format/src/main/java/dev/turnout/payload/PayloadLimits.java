package dev.turnout.payload;

/**
 * Bounds that keep hostile payloads from exhausting memory or addressing beyond sane sizes. Flatcar's
 * payloads sit far inside them: a manifest of about 100 KiB, operations of 1 MiB of image each, a
 * 4096-byte block.
 *
 * @param maxManifestSize largest manifest accepted, checked before anything is allocated
 * @param maxOperationData largest blob of one operation (it is held in memory to check its hash)
 * @param maxKernelSize largest kernel or PCR policy file a procedure may write
 */
public record PayloadLimits(long maxManifestSize, long maxOperationData, long maxKernelSize) {
  public static final PayloadLimits DEFAULT =
      new PayloadLimits(16L << 20, 32L << 20, 512L << 20);
  /** Block sizes accepted: powers of two in this range. update_engine writes 4096. */
  static final int MIN_BLOCK_SIZE = 512;
  static final int MAX_BLOCK_SIZE = 1 << 20;
  /** {@code data_offset} and {@code data_length} are uint32: the blob area ends below 4 GiB. */
  static final long MAX_BLOB_AREA = 1L << 32;
  /** {@code Extent.start_block} of a hole: consume the bytes, write them nowhere. */
  static final long SPARSE_HOLE = -1L;
}
