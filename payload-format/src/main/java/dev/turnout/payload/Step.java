package dev.turnout.payload;

import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;

/**
 * One operation in processing order: the partition operations, then each procedure's operations.
 *
 * @param index position in processing order (what checkpoints count)
 * @param sink where its bytes go
 * @param label how messages name it, e.g. "partition operation 12" or "kernel operation 0"
 * @param dataOffset offset of its blob in the blob area
 */
record Step(int index, Sink sink, String label, InstallOperation op, long dataOffset,
    long dataLength) {

  /** The destinations an operation can write to. */
  enum Sink {
    PARTITION, KERNEL, PCR_POLICY,
    /** A procedure of a type this client does not know: data consumed and checked, not written. */
    DISCARD
  }
}
