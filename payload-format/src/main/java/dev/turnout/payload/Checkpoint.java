package dev.turnout.payload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * Where an interrupted apply can pick up: every operation before {@code nextOperation} is written
 * and forced to disk, the running payload hash covers exactly the bytes before
 * {@code metadataSize + nextDataOffset}, and, once the signature blob was reached, its bytes and
 * the signed-hash state. Mirrors update_engine's {@code update-state-*} prefs; the hash states are
 * BouncyCastle {@code SHA256Digest} encoded states (not libsodium's, so a checkpoint written by the
 * C++ daemon is not resumable here).
 *
 * <p>To resume, feed a consumer built with {@link PayloadConsumerBuilder#resumeFrom} the bytes
 * {@code [0, metadataSize)} and then {@code [metadataSize + nextDataOffset, end)}: the two HTTP
 * ranges update_engine requests.
 *
 * @param nextOperation index (in processing order) of the first operation not yet durable
 * @param nextDataOffset offset in the blob area where that operation's data starts
 * @param hashState encoded state of the whole-payload SHA-256 at that point
 * @param signedHashState encoded SHA-256 state before the signature blob, or empty
 * @param signatureBlob the signature blob, or empty until it was received whole
 * @param metadataSize header plus manifest bytes
 * @param metadataSha256 SHA-256 of those bytes, so a resume cannot mix two payloads
 */
public record Checkpoint(int nextOperation, long nextDataOffset, byte[] hashState,
    byte[] signedHashState, byte[] signatureBlob, long metadataSize, byte[] metadataSha256) {

  private static final int MAGIC = 0x54434b31; // "TCK1"

  public Checkpoint {
    hashState = hashState.clone();
    signedHashState = signedHashState.clone();
    signatureBlob = signatureBlob.clone();
    metadataSha256 = metadataSha256.clone();
  }

  /** A compact binary form for a prefs file. */
  public byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(MAGIC);
      out.writeInt(nextOperation);
      out.writeLong(nextDataOffset);
      out.writeLong(metadataSize);
      for (byte[] b : new byte[][] {hashState, signedHashState, signatureBlob, metadataSha256}) {
        out.writeInt(b.length);
        out.write(b);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads {@link #encode()}'s form; rejects anything else with error 20. */
  public static Checkpoint decode(byte[] encoded) throws PayloadException {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
      if (in.readInt() != MAGIC) {
        throw new IOException("not a Turnout checkpoint");
      }
      int next = in.readInt();
      long offset = in.readLong();
      long metadata = in.readLong();
      byte[][] parts = new byte[4][];
      for (int i = 0; i < parts.length; i++) {
        int n = in.readInt();
        if (n < 0 || n > 1 << 20) {
          throw new IOException("corrupt length " + n);
        }
        parts[i] = in.readNBytes(n);
        if (parts[i].length != n) {
          throw new IOException("truncated");
        }
      }
      if (next < 0 || offset < 0 || metadata <= 0) {
        throw new IOException("negative position");
      }
      restorable(parts[0], "running payload hash");
      if (parts[1].length > 0) {
        restorable(parts[1], "signed-part hash");
      }
      return new Checkpoint(next, offset, parts[0], parts[1], parts[2], metadata, parts[3]);
    } catch (IOException e) {
      throw new PayloadException(ErrorCode.DOWNLOAD_STATE_INITIALIZATION_ERROR,
          "saved download state is unusable: " + e.getMessage(), e);
    }
  }

  /** A saved SHA-256 state BouncyCastle can continue from; else the checkpoint is not usable. */
  private static void restorable(byte[] state, String what) throws IOException {
    try {
      new org.bouncycastle.crypto.digests.SHA256Digest(state);
    } catch (RuntimeException e) {
      throw new IOException("the saved " + what + " cannot be restored (" + e.getMessage() + ")");
    }
  }

  /** The payload offset the download continues from after the metadata. */
  public long resumeOffset() {
    return metadataSize + nextDataOffset;
  }

  /**
   * Refuses to resume {@code plan} from this checkpoint unless it was taken of the same payload
   * (metadata size and hash) at a step boundary of it.
   */
  void checkFits(long metadataSize, byte[] metadataSha256, PayloadPlan plan)
      throws PayloadException {
    if (metadataSize() != metadataSize
        || !java.security.MessageDigest.isEqual(metadataSha256(), metadataSha256)) {
      throw new PayloadException(ErrorCode.DOWNLOAD_STATE_INITIALIZATION_ERROR,
          "the checkpoint belongs to a different payload");
    }
    if (nextOperation() > plan.steps().size()) {
      throw new PayloadException(ErrorCode.DOWNLOAD_STATE_INITIALIZATION_ERROR,
          "the checkpoint is past the last operation");
    }
    long expectedOffset = signatureBlob().length > 0
        ? plan.blobAreaSize() + plan.signaturesSize()
        : nextOperation() < plan.steps().size() ? plan.steps().get(nextOperation()).dataOffset()
        : plan.blobAreaSize();
    if (nextDataOffset() != expectedOffset) {
      throw new PayloadException(ErrorCode.DOWNLOAD_STATE_INITIALIZATION_ERROR,
          "the checkpoint's data offset does not match its operation");
    }
  }
}
