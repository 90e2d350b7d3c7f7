package dev.turnout.payload;

import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes one checked operation into its target: REPLACE copies the blob, REPLACE_BZ decompresses it
 * ({@link Bzip2Decoder}, tested against commons-compress), both through the operation's extents in order, zero-padding the last block
 * (update_engine's {@code ZeroPadExtentWriter}); a sparse-hole extent swallows its bytes. Output
 * that would overflow the extents stops at the first byte too many, so a bzip2 bomb writes nothing
 * past its extents. Safe to run for different operations on several threads at once.
 */
final class OperationExecutor {
  /** One decoder per worker thread: its tables and BWT array are reused across operations. */
  private static final ThreadLocal<Bzip2Decoder> DECODERS =
      ThreadLocal.withInitial(Bzip2Decoder::new);

  private OperationExecutor() {}

  /** Runs {@code step} with its (hash-checked) {@code blob} against {@code target}. */
  static void execute(Step step, byte[] blob, int blockSize, PayloadTarget target)
      throws PayloadException {
    InstallOperation op = step.op();
    ExtentWriter out = new ExtentWriter(step, op, blockSize, target);
    try {
      if (op.getType() == InstallOperation.Type.REPLACE) {
        out.write(blob, 0, blob.length);
      } else {
        try {
          DECODERS.get().decode(blob, out::write);
        } catch (IOException e) {
          if (e instanceof PayloadException p) {
            throw p;
          }
          throw new PayloadException(ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR,
              step.label() + ": bad bzip2 data: " + e.getMessage(), e);
        }
      }
      out.padToBlock();
    } catch (PayloadException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new PayloadException(ErrorCode.DOWNLOAD_WRITE_ERROR,
          step.label() + ": writing the target failed: " + e.getMessage(), e);
    }
  }

  /** Streams bytes through a list of extents. */
  private static final class ExtentWriter {
    private final Step step;
    private final InstallOperation op;
    private final int blockSize;
    private final PayloadTarget target;
    private int extent;
    private long intoExtent;
    private long written;
    private final long capacity;

    ExtentWriter(Step step, InstallOperation op, int blockSize, PayloadTarget target) {
      this.step = step;
      this.op = op;
      this.blockSize = blockSize;
      this.target = target;
      long c = 0;
      for (Extent e : op.getDstExtentsList()) {
        c += e.getNumBlocks() * blockSize;
      }
      this.capacity = c;
    }

    long remaining() {
      return capacity - written;
    }

    void write(byte[] b, int off, int len) throws IOException {
      if (len > remaining()) {
        throw new PayloadException(ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR, String.format(
            "%s: data is larger than its extents (%d bytes); stopped at byte %d", step.label(),
            capacity, capacity + 1));
      }
      int pos = off;
      int left = len;
      while (left > 0) {
        Extent e = op.getDstExtents(extent);
        long extentBytes = e.getNumBlocks() * blockSize;
        int n = (int) Math.min(left, extentBytes - intoExtent);
        if (n == 0) {
          extent++;
          intoExtent = 0;
          continue;
        }
        if (e.getStartBlock() != PayloadLimits.SPARSE_HOLE) {
          target.write(e.getStartBlock() * blockSize + intoExtent, ByteBuffer.wrap(b, pos, n));
        }
        intoExtent += n;
        written += n;
        pos += n;
        left -= n;
      }
    }

    void padToBlock() throws IOException {
      int tail = (int) (written % blockSize);
      if (tail != 0) {
        write(new byte[blockSize - tail], 0, blockSize - tail);
      }
    }
  }
}
