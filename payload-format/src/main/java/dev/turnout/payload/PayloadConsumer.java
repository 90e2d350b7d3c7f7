package dev.turnout.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.InstallInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * Applies a CrAU payload as it streams in: a push parser fed by {@link #write(ByteBuffer)} in any
 * chunking, one byte at a time or all at once, with the same result.
 *
 * <p>In one pass it keeps the SHA-256 of the whole payload (resumable, BouncyCastle) and of the part
 * before the signature blob; checks each operation's blob against its hash before anything is
 * written; and hands the operation to a small pool that decompresses and writes it with positional
 * writes. {@link #finish()} then checks size, payload hash, signature (fail closed: no key, no blob,
 * no version-2 entry or a bad one is an error) and the written partition and kernel against the
 * manifest; the partition is read back while the apply goes on ({@link ReadBack}), so that check
 * waits only for the last operations' bytes. The whole manifest is checked before the first
 * write, so a payload with a delta operation, a blob out of sequence or an extent outside its
 * target writes nothing at all.
 *
 * <p>Memory is bounded by the operations in flight (twice the threads) and the manifest limit.
 * {@link #write} and {@link #checkpoint} are called from one thread.
 */
public final class PayloadConsumer implements AutoCloseable {
  private enum State { HEADER, MANIFEST, BLOBS, SIGNATURE, DONE }

  private final PayloadTarget partition;
  private final PayloadTarget kernel;
  private final List<Keys.TrustedKey> trustedKeys;
  private final Long expectedSize;
  private final String expectedSha256;
  private final PayloadLimits limits;
  private final Checkpoint resume;
  private final boolean verifyTargets;
  private final ApplyPool pool;

  private State state = State.HEADER;
  private long position;
  private final byte[] header = new byte[CrauFormat.HEADER_SIZE];
  private byte[] manifestBytes;
  private int filled;
  private long metadataSize;
  private byte[] metadataSha256;
  private PayloadPlan plan;
  private int stepIndex;
  private byte[] blob;
  private final SHA256Digest hash;
  private byte[] signedHashState = new byte[0];
  private byte[] signatureBlob;

  private ResumePoints points;
  /** The partition read back as the apply goes on; null when the caller verifies it. */
  private ReadBack readBack;

  PayloadConsumer(PayloadConsumerBuilder b) {
    this.partition = Objects.requireNonNull(b.partition, "partition target");
    this.kernel = b.kernel;
    this.trustedKeys = List.copyOf(b.trustedKeys);
    this.expectedSize = b.expectedSize;
    this.expectedSha256 = b.expectedSha256;
    this.limits = b.limits;
    this.resume = b.resume;
    this.verifyTargets = b.verifyTargets;
    this.pool = new ApplyPool(b.threads);
    this.hash = resume == null ? new SHA256Digest() : new SHA256Digest(resume.hashState());
  }

  public static PayloadConsumerBuilder builder() {
    return new PayloadConsumerBuilder();
  }

  // ------------------------------------------------------------------ feeding

  /** Consumes all of {@code data}. Blocks while too many operations are in flight. */
  public void write(ByteBuffer data) throws PayloadException {
    pool.rethrow();
    while (data.hasRemaining()) {
      switch (state) {
        case HEADER -> {
          int n = take(data, header, filled, CrauFormat.HEADER_SIZE - filled, resume == null);
          filled += n;
          if (filled == CrauFormat.HEADER_SIZE) {
            onHeader();
          }
        }
        case MANIFEST -> {
          int n = take(data, manifestBytes, filled, manifestBytes.length - filled, resume == null);
          filled += n;
          if (filled == manifestBytes.length) {
            onManifest();
          }
        }
        case BLOBS -> {
          int n = take(data, blob, filled, blob.length - filled, true);
          filled += n;
          if (filled == blob.length) {
            dispatch(plan.steps().get(stepIndex), blob);
            stepIndex++;
            enterNextStep();
          }
        }
        case SIGNATURE -> {
          int n = take(data, signatureBlob, filled, signatureBlob.length - filled, true);
          filled += n;
          if (filled == signatureBlob.length) {
            state = State.DONE;
          }
        }
        case DONE -> throw new PayloadException(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR,
            "the payload continues past its end at byte " + position);
      }
    }
    pool.rethrow();
  }

  /** Copies up to {@code want} bytes into {@code dst}, hashing them; advances the position. */
  private int take(ByteBuffer src, byte[] dst, int off, int want, boolean hashIt) {
    int n = Math.min(want, src.remaining());
    src.get(dst, off, n);
    if (hashIt) {
      hash.update(dst, off, n);
    }
    position += n;
    return n;
  }

  private void onHeader() throws PayloadException {
    manifestBytes = new byte[(int) CrauFormat.manifestSize(header, limits.maxManifestSize())];
    filled = 0;
    state = State.MANIFEST;
  }

  private void onManifest() throws PayloadException {
    DeltaArchiveManifest m;
    try {
      m = DeltaArchiveManifest.parseFrom(manifestBytes);
    } catch (InvalidProtocolBufferException e) {
      throw new PayloadException(ErrorCode.DOWNLOAD_MANIFEST_PARSE_ERROR,
          "the manifest cannot be parsed: " + e.getMessage(), e);
    }
    plan = PayloadPlan.of(m, partition.size(), limits);
    metadataSize = CrauFormat.HEADER_SIZE + manifestBytes.length;
    MessageDigest md = CrauFormat.sha256();
    md.update(header);
    md.update(manifestBytes);
    metadataSha256 = md.digest();
    manifestBytes = null;
    points = new ResumePoints(new ResumePoints.Point(0, 0, hash.getEncodedState()));
    if (resume != null) {
      resume.checkFits(metadataSize, metadataSha256, plan);
      stepIndex = resume.nextOperation();
      position = resume.resumeOffset();
      signedHashState = resume.signedHashState();
      points = new ResumePoints(new ResumePoints.Point(stepIndex, resume.nextDataOffset(),
          resume.hashState()));
      if (resume.signatureBlob().length > 0) {
        signatureBlob = resume.signatureBlob();
        state = State.DONE;
        startReadBack();
        return;
      }
    }
    startReadBack();
    enterNextStep();
  }

  private void startReadBack() {
    if (verifyTargets && partition.canReadBack()) {
      readBack = ReadBack.start(plan.steps(), plan.blockSize(), partition,
          plan.manifest().getNewPartitionInfo().getSize(), points.finishedPrefix());
    }
  }

  /** Moves to the next step with data, dispatching empty ones on the way, or to the signature. */
  private void enterNextStep() throws PayloadException {
    List<Step> steps = plan.steps();
    while (stepIndex < steps.size() && steps.get(stepIndex).dataLength() == 0) {
      dispatch(steps.get(stepIndex), new byte[0]);
      stepIndex++;
    }
    if (stepIndex < steps.size()) {
      blob = new byte[(int) steps.get(stepIndex).dataLength()];
      filled = 0;
      state = State.BLOBS;
      return;
    }
    blob = null;
    signedHashState = hash.getEncodedState();
    if (plan.signed()) {
      signatureBlob = new byte[(int) plan.signaturesSize()];
      filled = 0;
      state = State.SIGNATURE;
    } else {
      signatureBlob = new byte[0];
      state = State.DONE;
    }
  }

  private void dispatch(Step step, byte[] data) throws PayloadException {
    if (data.length > 0) {
      byte[] actual = CrauFormat.sha256().digest(data);
      if (!MessageDigest.isEqual(actual, step.op().getDataSha256Hash().toByteArray())) {
        throw new PayloadException(ErrorCode.DOWNLOAD_OPERATION_HASH_MISMATCH,
            step.label() + ": data does not match its data_sha256_hash");
      }
    }
    points.offer(new ResumePoints.Point(step.index() + 1, step.dataOffset() + step.dataLength(),
        hash.getEncodedState()));
    PayloadTarget target = switch (step.sink()) {
      case PARTITION -> partition;
      case KERNEL -> kernel;
      // Flatcar's PCR policy procedure (an old ChromeOS TPM feature): hashed and verified with
      // the rest of the payload, and written nowhere; no Flatcar release carries one.
      case PCR_POLICY, DISCARD -> null;
    };
    ReadBack reading = readBack;
    pool.submit(step.label(), () -> {
      if (target != null) {
        OperationExecutor.execute(step, data, plan.blockSize(), target);
      }
      points.finished(step.index());
      if (reading != null) {
        reading.finished(points.finishedPrefix());
      }
    });
  }

  // ------------------------------------------------------------------ progress and checkpoints

  /** Payload offset of the next byte expected. */
  public long position() {
    return position;
  }

  /** The payload's total size, once the manifest is read; -1 before. */
  public long totalSize() {
    return plan == null ? -1 : metadataSize + plan.blobAreaSize() + plan.signaturesSize();
  }

  /** Whether the payload carries install procedures (a kernel), once the manifest is read. */
  public boolean hasProcedures() {
    return plan != null && plan.manifest().getProceduresCount() > 0;
  }

  /** Waits until every dispatched operation has been written (or one failed). */
  public void drain() throws PayloadException {
    pool.drain();
  }

  /**
   * Forces what is written and returns the furthest point an interrupted apply can resume from:
   * the longest prefix of finished operations. Null before the manifest was read.
   */
  public Checkpoint checkpoint() throws PayloadException {
    pool.rethrow();
    if (plan == null) {
      return null;
    }
    ResumePoints.Point best = points.next();
    boolean all = points.finishedPrefix() == plan.steps().size() && state == State.DONE;
    if (best != null || all) {
      forceTargets();
      if (best != null) {
        points.advance(best);
      }
    }
    if (all) {
      return new Checkpoint(plan.steps().size(), plan.blobAreaSize() + plan.signaturesSize(),
          hash.getEncodedState(), signedHashState, signatureBlob, metadataSize, metadataSha256);
    }
    ResumePoints.Point durable = points.durable();
    return new Checkpoint(durable.nextStep(), durable.nextDataOffset(), durable.hashState(),
        durable.nextStep() == plan.steps().size() ? signedHashState : new byte[0], new byte[0],
        metadataSize, metadataSha256);
  }

  private void forceTargets() throws PayloadException {
    try {
      partition.force();
      if (kernel != null) {
        kernel.force();
      }
    } catch (IOException e) {
      throw new PayloadException(ErrorCode.DOWNLOAD_WRITE_ERROR,
          "forcing written data to disk failed: " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ the verdict

  /**
   * Ends the apply: waits for every operation, then checks size, payload hash, signature, and the
   * written partition and kernel. Returns only when all of it holds.
   */
  public PayloadResult finish() throws PayloadException {
    pool.rethrow();
    if (state != State.DONE) {
      String where = plan == null ? "in its header or manifest"
          : "of " + totalSize() + " (the file ended early)";
      throw new PayloadException(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR,
          "the payload ended after " + position + " bytes " + where);
    }
    drain();
    forceTargets();
    long size = totalSize();
    if (expectedSize != null && expectedSize != size) {
      throw new PayloadException(ErrorCode.PAYLOAD_SIZE_MISMATCH_ERROR,
          "the payload is " + size + " bytes, the update server said " + expectedSize);
    }
    byte[] whole = CrauFormat.finalHash(hash);
    if (expectedSha256 != null && !expectedSha256.equals(Base64.getEncoder().encodeToString(whole))) {
      throw new PayloadException(ErrorCode.PAYLOAD_HASH_MISMATCH_ERROR, "the payload's SHA-256 "
          + Base64.getEncoder().encodeToString(whole) + " is not the " + expectedSha256
          + " the update server announced");
    }
    byte[] signedHash = CrauFormat.finalHash(new SHA256Digest(signedHashState));
    if (!plan.signed()) {
      throw new PayloadException(ErrorCode.SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR,
          "the payload is not signed");
    }
    String key = Signatures.verify(signatureBlob, signedHash, trustedKeys);
    InstallInfo info = plan.manifest().getNewPartitionInfo();
    if (verifyTargets) {
      if (readBack != null) {
        PartitionVerifier.check(readBackHash(), info.getHash().toByteArray(),
            ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, "the new partition");
      } else {
        PartitionVerifier.verify(partition, info.getSize(), info.getHash().toByteArray(),
            ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, "the new partition");
      }
      finishFile(kernel, plan.kernelInfo(), ErrorCode.NEW_KERNEL_VERIFICATION_ERROR, "the kernel");
    }
    return new PayloadResult(size, whole, signedHash, key, plan.steps().size(), info.getSize(),
        info.getHash().toByteArray(), plan.kernelInfo() == null ? -1 : plan.kernelInfo().getSize(),
        plan.kernelInfo() == null ? new byte[0] : plan.kernelInfo().getHash().toByteArray(),
        verifyTargets);
  }

  private static void finishFile(PayloadTarget t, InstallInfo info, ErrorCode code, String what)
      throws PayloadException {
    if (t != null && info != null) {
      PartitionVerifier.truncateAndVerify(t, info.getSize(), info.getHash().toByteArray(), code,
          what);
    }
  }

  private byte[] readBackHash() throws PayloadException {
    try {
      return readBack.finish();
    } catch (IOException e) {
      throw new PayloadException(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR,
          "the new partition: reading it back failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PayloadException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, "interrupted", e);
    }
  }

  /** Stops the worker threads; the targets stay open (their owner closes them). */
  @Override
  public void close() {
    pool.close();
    if (readBack != null) {
      readBack.close();
    }
  }
}
