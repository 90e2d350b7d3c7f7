package dev.turnout.payload;

import com.google.protobuf.ByteString;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallInfo;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import dev.turnout.payload.proto.UpdateMetadata.InstallProcedure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

/**
 * Builds an unsigned full payload the way Flatcar's generators do: 4096-byte blocks, the image cut
 * into 1 MiB chunks, each chunk REPLACE_BZ when bzip2 makes it smaller and REPLACE otherwise, one
 * destination extent per chunk (the real block count of a short last chunk, as mantle writes it), a
 * SHA-256 per blob, {@code new_partition_info}, and the kernel as a KERNEL procedure cut the same way
 * with a REPLACE noop copy of each kernel operation (delta_generator's {@code ProceduresToNoops}).
 * Blobs: partition operations, then kernel operations. Chunks are compressed on all cores; the
 * output is the same whatever the thread count.
 */
public final class PayloadGenerator {
  public static final int BLOCK_SIZE = 4096;
  public static final int CHUNK_SIZE = 1 << 20;

  private final int threads;

  public PayloadGenerator(int threads) {
    this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** Writes an unsigned payload for {@code image} (and {@code kernel}, if not null) to {@code out}. */
  public void generate(Path image, Path kernel, Path out) throws IOException {
    Path blobs = Files.createTempFile(out.toAbsolutePath().getParent(), ".blobs-", ".tmp");
    try {
      DeltaArchiveManifest manifest;
      try (OutputStream blobOut = Files.newOutputStream(blobs)) {
        long[] offset = {0};
        DeltaArchiveManifest.Builder m = DeltaArchiveManifest.newBuilder().setBlockSize(BLOCK_SIZE);
        Chunked img = chunk(image, blobOut, offset);
        m.addAllPartitionOperations(img.ops());
        m.setNewPartitionInfo(img.info());
        if (kernel != null) {
          Chunked k = chunk(kernel, blobOut, offset);
          m.addProcedures(InstallProcedure.newBuilder().setType(InstallProcedure.Type.KERNEL)
              .addAllOperations(k.ops()).setNewInfo(k.info()));
          for (InstallOperation op : k.ops()) {
            m.addNoopOperations(op.toBuilder().clearDstExtents().addDstExtents(Extent.newBuilder()
                .setStartBlock(PayloadLimits.SPARSE_HOLE)
                .setNumBlocks(PayloadPlan.roundUp(op.getDataLength(), BLOCK_SIZE) / BLOCK_SIZE)));
          }
        }
        manifest = m.build();
      }
      try (OutputStream o = Files.newOutputStream(out); InputStream in = Files.newInputStream(blobs)) {
        PayloadSigner.writeHeader(o, manifest);
        in.transferTo(o);
      }
    } finally {
      Files.deleteIfExists(blobs);
    }
  }

  private record Chunked(List<InstallOperation> ops, InstallInfo info) {}

  private record Chunk(long offset, byte[] raw) {}

  private record Blob(InstallOperation.Type type, byte[] data, long offset, int rawLength) {}

  /** Cuts a file into operations, compressing up to 2x threads chunks at a time in order. */
  private Chunked chunk(Path file, OutputStream blobOut, long[] blobOffset) throws IOException {
    MessageDigest whole = CrauFormat.sha256();
    List<InstallOperation> ops = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "payload-compress");
      t.setDaemon(true);
      return t;
    });
    long size = 0;
    try (InputStream in = Files.newInputStream(file)) {
      ArrayDeque<Future<Blob>> window = new ArrayDeque<>();
      long offset = 0;
      while (true) {
        byte[] raw = in.readNBytes(CHUNK_SIZE);
        if (raw.length > 0) {
          whole.update(raw);
          Chunk c = new Chunk(offset, raw);
          window.add(pool.submit(() -> compress(c)));
          offset += raw.length;
        }
        while (!window.isEmpty() && (raw.length == 0 || window.size() >= 2 * threads)) {
          ops.add(emit(window.poll(), blobOut, blobOffset));
        }
        if (raw.length == 0) {
          break;
        }
      }
      size = offset;
    } finally {
      pool.shutdownNow();
    }
    InstallInfo info = InstallInfo.newBuilder().setSize(size)
        .setHash(ByteString.copyFrom(whole.digest())).build();
    return new Chunked(ops, info);
  }

  private static Blob compress(Chunk c) throws IOException {
    ByteArrayOutputStream bz = new ByteArrayOutputStream(c.raw().length / 2);
    try (BZip2CompressorOutputStream out = new BZip2CompressorOutputStream(bz, 9)) {
      out.write(c.raw());
    }
    byte[] compressed = bz.toByteArray();
    return compressed.length < c.raw().length
        ? new Blob(InstallOperation.Type.REPLACE_BZ, compressed, c.offset(), c.raw().length)
        : new Blob(InstallOperation.Type.REPLACE, c.raw(), c.offset(), c.raw().length);
  }

  private static InstallOperation emit(Future<Blob> f, OutputStream blobOut, long[] blobOffset)
      throws IOException {
    Blob b;
    try {
      b = f.get();
    } catch (ExecutionException e) {
      throw new IOException("compressing a chunk failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    blobOut.write(b.data());
    InstallOperation op = InstallOperation.newBuilder().setType(b.type())
        .setDataOffset((int) blobOffset[0]).setDataLength(b.data().length)
        .addDstExtents(Extent.newBuilder().setStartBlock(b.offset() / BLOCK_SIZE)
            .setNumBlocks(PayloadPlan.roundUp(b.rawLength(), BLOCK_SIZE) / BLOCK_SIZE))
        .setDataSha256Hash(ByteString.copyFrom(CrauFormat.sha256().digest(b.data())))
        .build();
    blobOffset[0] += b.data().length;
    if (blobOffset[0] >= PayloadLimits.MAX_BLOB_AREA) {
      throw new IOException("the payload's data would exceed the 4 GiB CrAU limit");
    }
    return op;
  }

}
