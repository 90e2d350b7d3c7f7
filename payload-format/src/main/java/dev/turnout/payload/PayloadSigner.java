package dev.turnout.payload;

import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.Extent;
import dev.turnout.payload.proto.UpdateMetadata.InstallOperation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs payloads as Flatcar's release flow does ({@code core_sign_update}): the manifest first gets
 * {@code signatures_offset}, {@code signatures_size} and a REPLACE noop operation covering the
 * signature blob (delta_generator's {@code AddSignatureOp}); the hash to sign is the SHA-256 of
 * header, that manifest and the operation blobs; the signatures, one per key, are appended as a
 * {@code Signatures} blob with versions 2+1-N .. 2.
 *
 * <p>Offline and HSM signing is the same path cut in two: {@link #hashToSign} for given signature
 * sizes, an external signer, then {@link #insert}. Signing with key files directly goes through the
 * same two calls, so both give byte-identical payloads. An already signed payload is re-signed: its
 * old signature and signature noop are dropped first.
 */
public final class PayloadSigner {
  private PayloadSigner() {}

  /** The hash an external signer must sign for signatures of these sizes (256 per 2048-bit key). */
  public static byte[] hashToSign(Path payload, List<Integer> signatureSizes) throws IOException {
    PayloadFile in = PayloadFile.read(payload);
    DeltaArchiveManifest m = withSignatureOp(unsigned(in), in.blobAreaSize(),
        Signatures.blobSize(signatureSizes));
    MessageDigest md = CrauFormat.sha256();
    md.update(header(m));
    md.update(m.toByteArray());
    try (FileChannel ch = FileChannel.open(payload)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long end = in.metadataSize() + in.blobAreaSize();
      for (long pos = in.metadataSize(); pos < end; ) {
        buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
        PayloadFile.readFully(ch, buf, pos);
        buf.flip();
        pos += buf.remaining();
        md.update(buf);
      }
    }
    return md.digest();
  }

  /** Writes {@code out}: the payload with these signatures (in key order; the last is version 2). */
  public static void insert(Path payload, List<byte[]> signatures, Path out) throws IOException {
    PayloadFile in = PayloadFile.read(payload);
    byte[] blob = Signatures.blob(signatures);
    DeltaArchiveManifest m = withSignatureOp(unsigned(in), in.blobAreaSize(), blob.length);
    Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".signed-", ".tmp");
    try {
      try (OutputStream o = Files.newOutputStream(tmp);
          FileChannel ch = FileChannel.open(payload)) {
        writeHeader(o, m);
        ch.position(in.metadataSize());
        InputStream blobs = Channels.newInputStream(ch);
        long copied = blobs.transferTo(new BoundedOutput(o, in.blobAreaSize()));
        if (copied < in.blobAreaSize()) {
          throw new PayloadException(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR,
              payload + " ends inside its operation data");
        }
        o.write(blob);
      }
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Signs with private keys directly: the last key signs as version 2. */
  public static void sign(Path payload, List<PrivateKey> keys, Path out) throws IOException {
    List<Integer> sizes = keys.stream()
        .map(k -> (((RSAKey) k).getModulus().bitLength() + 7) / 8).toList();
    byte[] hash = hashToSign(payload, sizes);
    List<byte[]> sigs = new ArrayList<>();
    try {
      for (PrivateKey k : keys) {
        sigs.add(Signatures.sign(hash, k));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("signing failed: " + e.getMessage(), e);
    }
    insert(payload, sigs, out);
  }

  /** The manifest without any signature fields or signature noop. */
  static DeltaArchiveManifest unsigned(PayloadFile in) {
    DeltaArchiveManifest m = in.manifest();
    if (!m.hasSignaturesOffset()) {
      return m;
    }
    DeltaArchiveManifest.Builder b = m.toBuilder().clearSignaturesOffset().clearSignaturesSize();
    int last = b.getNoopOperationsCount() - 1;
    if (last >= 0 && Integer.toUnsignedLong(b.getNoopOperations(last).getDataOffset())
        == m.getSignaturesOffset()) {
      b.removeNoopOperations(last);
    }
    return b.build();
  }

  private static DeltaArchiveManifest withSignatureOp(DeltaArchiveManifest m, long offset,
      int size) {
    return m.toBuilder().setSignaturesOffset(offset).setSignaturesSize(size)
        .addNoopOperations(InstallOperation.newBuilder().setType(InstallOperation.Type.REPLACE)
            .setDataOffset((int) offset).setDataLength(size)
            .addDstExtents(Extent.newBuilder().setStartBlock(PayloadLimits.SPARSE_HOLE)
                .setNumBlocks(PayloadPlan.roundUp(size, m.getBlockSize()) / m.getBlockSize())))
        .build();
  }

  static byte[] header(DeltaArchiveManifest m) {
    return ByteBuffer.allocate(CrauFormat.HEADER_SIZE).put(CrauFormat.MAGIC)
        .putLong(1).putLong(m.getSerializedSize()).array();
  }

  static void writeHeader(OutputStream o, DeltaArchiveManifest m) throws IOException {
    o.write(header(m));
    m.writeTo(o);
  }

  /** Passes through at most {@code limit} bytes, dropping the rest (the old signature). */
  private static final class BoundedOutput extends OutputStream {
    private final OutputStream out;
    private long left;

    BoundedOutput(OutputStream out, long limit) {
      this.out = out;
      this.left = limit;
    }

    @Override
    public void write(int b) throws IOException {
      if (left > 0) {
        out.write(b);
        left--;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int n = (int) Math.min(len, left);
      out.write(b, off, n);
      left -= n;
    }
  }
}
