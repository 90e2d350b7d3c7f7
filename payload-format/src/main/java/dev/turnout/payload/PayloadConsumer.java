package dev.turnout.payload;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.turnout.payload.proto.UpdateMetadata.DeltaArchiveManifest;
import dev.turnout.payload.proto.UpdateMetadata.InstallInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * manifest. The whole manifest is checked before the first write, so a payload with a delta
 * operation, a blob out of sequence or an extent outside its target writes nothing at all.
 *
 * <p>Memory is bounded by the operations in flight (twice the threads) and the manifest limit.
 * {@link #write} and {@link #checkpoint} are called from one thread.
 */
public final class PayloadConsumer implements AutoCloseable {
  static final byte[] MAGIC = {'C', 'r', 'A', 'U'};
  static final int HEADER_SIZE = 20;

  private enum State { HEADER, MANIFEST, BLOBS, SIGNATURE, DONE }

  private record Candidate(int nextStep, long nextDataOffset, byte[] hashState) {}

  private final PayloadTarget partition;
  private final PayloadTarget kernel;
  private final PayloadTarget pcrPolicy;
  private final List<Keys.TrustedKey> trustedKeys;
  private final Long expectedSize;
  private final String expectedSha256;
  private final PayloadLimits limits;
  private final Checkpoint resume;
  private final boolean verifyTargets;
  private final ExecutorService pool;
  private final Semaphore inFlight;
  private final int maxInFlight;

  private State state = State.HEADER;
  private long position;
  private final byte[] header = new byte[HEADER_SIZE];
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

  private final ArrayDeque<Candidate> candidates = new ArrayDeque<>();
  private Candidate durable;
  private final BitSet completed = new BitSet();
  private int completedPrefix;
  private volatile PayloadException failure;

  private PayloadConsumer(Builder b) {
    this.partition = Objects.requireNonNull(b.partition, "partition target");
    this.kernel = b.kernel;
    this.pcrPolicy = b.pcrPolicy;
    this.trustedKeys = List.copyOf(b.trustedKeys);
    this.expectedSize = b.expectedSize;
    this.expectedSha256 = b.expectedSha256;
    this.limits = b.limits;
    this.resume = b.resume;
    this.verifyTargets = b.verifyTargets;
    int threads = b.threads > 0 ? b.threads : Runtime.getRuntime().availableProcessors();
    this.maxInFlight = 2 * threads;
    this.inFlight = new Semaphore(maxInFlight);
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "payload-apply");
      t.setDaemon(true);
      return t;
    });
    this.hash = resume == null ? new SHA256Digest() : new SHA256Digest(resume.hashState());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Configuration of one apply. */
  public static final class Builder {
    private PayloadTarget partition;
    private PayloadTarget kernel;
    private PayloadTarget pcrPolicy;
    private List<Keys.TrustedKey> trustedKeys = List.of();
    private Long expectedSize;
    private String expectedSha256;
    private PayloadLimits limits = PayloadLimits.DEFAULT;
    private Checkpoint resume;
    private int threads;
    private boolean verifyTargets = true;

    /** The USR partition to write (required). */
    public Builder partition(PayloadTarget t) {
      this.partition = t;
      return this;
    }

    /** Where the KERNEL procedure goes; without it the kernel is checked and discarded. */
    public Builder kernel(PayloadTarget t) {
      this.kernel = t;
      return this;
    }

    /** Where the PCR_POLICY procedure goes; without it the policy is checked and discarded. */
    public Builder pcrPolicy(PayloadTarget t) {
      this.pcrPolicy = t;
      return this;
    }

    /** Keys whose version-2 signature is accepted; none means every payload is rejected. */
    public Builder trustedKeys(List<Keys.TrustedKey> keys) {
      this.trustedKeys = keys;
      return this;
    }

    /** Omaha's {@code size}: the payload must be exactly this long (error 11). */
    public Builder expectedSize(long size) {
      this.expectedSize = size;
      return this;
    }

    /** Omaha's {@code sha256}, base64: the payload hash must match it as a string (error 10). */
    public Builder expectedSha256(String base64) {
      this.expectedSha256 = base64;
      return this;
    }

    public Builder limits(PayloadLimits l) {
      this.limits = l;
      return this;
    }

    /** Decompression threads; 0 (the default) for one per core. */
    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    /**
     * Leave reading back the partition and kernel to the caller ({@link PayloadResult} carries the
     * manifest's sizes and hashes for it); {@link #finish()} still checks size, hashes and
     * signature. The update daemon verifies the partition as a stage of its own.
     */
    public Builder deferTargetVerification() {
      this.verifyTargets = false;
      return this;
    }

    /** Continue an interrupted apply; feed it the metadata, then the rest from the checkpoint. */
    public Builder resumeFrom(Checkpoint cp) {
      this.resume = cp;
      return this;
    }

    public PayloadConsumer build() {
      return new PayloadConsumer(this);
    }
  }

  // ------------------------------------------------------------------ feeding

  /** Consumes all of {@code data}. Blocks while too many operations are in flight. */
  public void write(ByteBuffer data) throws PayloadException {
    rethrow();
    while (data.hasRemaining()) {
      switch (state) {
        case HEADER -> {
          int n = take(data, header, filled, HEADER_SIZE - filled, resume == null);
          filled += n;
          if (filled == HEADER_SIZE) {
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
    rethrow();
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
    if (!Arrays.equals(header, 0, 4, MAGIC, 0, 4)) {
      throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_MAGIC_STRING,
          "not a CrAU payload (it starts with " + printable(header, 4) + ")");
    }
    long version = ByteBuffer.wrap(header, 4, 8).getLong();
    if (version != 1) {
      throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_MAGIC_STRING,
          "unsupported payload format version " + Long.toUnsignedString(version) + " (only 1)");
    }
    long size = ByteBuffer.wrap(header, 12, 8).getLong();
    if (size <= 0 || size > limits.maxManifestSize()) {
      throw new PayloadException(ErrorCode.DOWNLOAD_INVALID_METADATA_SIZE, "manifest size "
          + Long.toUnsignedString(size) + " is outside 1.." + limits.maxManifestSize());
    }
    manifestBytes = new byte[(int) size];
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
    metadataSize = HEADER_SIZE + manifestBytes.length;
    MessageDigest md = sha256();
    md.update(header);
    md.update(manifestBytes);
    metadataSha256 = md.digest();
    manifestBytes = null;
    durable = new Candidate(0, 0, hash.getEncodedState());
    if (resume != null) {
      if (resume.metadataSize() != metadataSize
          || !MessageDigest.isEqual(resume.metadataSha256(), metadataSha256)) {
        throw new PayloadException(ErrorCode.DOWNLOAD_STATE_INITIALIZATION_ERROR,
            "the checkpoint belongs to a different payload");
      }
      if (resume.nextOperation() > plan.steps().size()) {
        throw new PayloadException(ErrorCode.DOWNLOAD_STATE_INITIALIZATION_ERROR,
            "the checkpoint is past the last operation");
      }
      stepIndex = resume.nextOperation();
      position = resume.resumeOffset();
      signedHashState = resume.signedHashState();
      completedPrefix = stepIndex;
      durable = new Candidate(stepIndex, resume.nextDataOffset(), resume.hashState());
      long expectedOffset = stepIndex < plan.steps().size()
          ? plan.steps().get(stepIndex).dataOffset() : plan.blobAreaSize();
      if (resume.signatureBlob().length > 0) {
        expectedOffset = plan.blobAreaSize() + plan.signaturesSize();
      }
      if (resume.nextDataOffset() != expectedOffset) {
        throw new PayloadException(ErrorCode.DOWNLOAD_STATE_INITIALIZATION_ERROR,
            "the checkpoint's data offset does not match its operation");
      }
      if (resume.signatureBlob().length > 0) {
        signatureBlob = resume.signatureBlob();
        state = State.DONE;
        return;
      }
    }
    enterNextStep();
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
      byte[] actual = sha256().digest(data);
      if (!MessageDigest.isEqual(actual, step.op().getDataSha256Hash().toByteArray())) {
        throw new PayloadException(ErrorCode.DOWNLOAD_OPERATION_HASH_MISMATCH,
            step.label() + ": data does not match its data_sha256_hash");
      }
    }
    candidates.add(new Candidate(step.index() + 1, step.dataOffset() + step.dataLength(),
        hash.getEncodedState()));
    PayloadTarget target = switch (step.sink()) {
      case PARTITION -> partition;
      case KERNEL -> kernel;
      case PCR_POLICY -> pcrPolicy;
      case DISCARD -> null;
    };
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PayloadException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, "interrupted", e);
    }
    rethrowReleasing();
    pool.execute(() -> {
      try {
        if (target != null && failure == null) {
          OperationExecutor.execute(step, data, plan.blockSize(), target);
        }
        complete(step.index());
      } catch (PayloadException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new PayloadException(ErrorCode.DOWNLOAD_OPERATION_EXECUTION_ERROR,
            step.label() + ": " + e, e));
      } finally {
        inFlight.release();
      }
    });
  }

  private synchronized void complete(int index) {
    completed.set(index);
    while (completed.get(completedPrefix)) {
      completedPrefix++;
    }
  }

  private synchronized int completedPrefix() {
    return completedPrefix;
  }

  private synchronized void fail(PayloadException e) {
    if (failure == null) {
      failure = e;
    }
  }

  private void rethrow() throws PayloadException {
    PayloadException f = failure;
    if (f != null) {
      throw f;
    }
  }

  private void rethrowReleasing() throws PayloadException {
    if (failure != null) {
      inFlight.release();
      rethrow();
    }
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

  /** The manifest, once read. */
  public DeltaArchiveManifest manifest() {
    return plan == null ? null : plan.manifest();
  }

  /** Waits until every dispatched operation has been written (or one failed). */
  public void drain() throws PayloadException {
    try {
      inFlight.acquire(maxInFlight);
      inFlight.release(maxInFlight);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PayloadException(ErrorCode.DOWNLOAD_TRANSFER_ERROR, "interrupted", e);
    }
    rethrow();
  }

  /**
   * Forces what is written and returns the furthest point an interrupted apply can resume from:
   * the longest prefix of finished operations. Null before the manifest was read.
   */
  public Checkpoint checkpoint() throws PayloadException {
    rethrow();
    if (plan == null) {
      return null;
    }
    int done = completedPrefix();
    Candidate best = null;
    while (!candidates.isEmpty() && candidates.peek().nextStep() <= done) {
      best = candidates.poll();
    }
    boolean all = done == plan.steps().size() && state == State.DONE;
    if (best != null || all) {
      forceTargets();
      if (best != null) {
        durable = best;
      }
    }
    if (all) {
      return new Checkpoint(plan.steps().size(), plan.blobAreaSize() + plan.signaturesSize(),
          hash.getEncodedState(), signedHashState, signatureBlob, metadataSize, metadataSha256);
    }
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
      if (pcrPolicy != null) {
        pcrPolicy.force();
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
    rethrow();
    if (state != State.DONE) {
      String where = plan == null ? "in its header or manifest"
          : "; " + totalSize() + " bytes expected";
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
    byte[] whole = finalHash(hash);
    if (expectedSha256 != null && !expectedSha256.equals(Base64.getEncoder().encodeToString(whole))) {
      throw new PayloadException(ErrorCode.PAYLOAD_HASH_MISMATCH_ERROR, "the payload's SHA-256 "
          + Base64.getEncoder().encodeToString(whole) + " is not the " + expectedSha256
          + " the update server announced");
    }
    byte[] signedHash = finalHash(new SHA256Digest(signedHashState));
    if (!plan.signed()) {
      throw new PayloadException(ErrorCode.SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR,
          "the payload is not signed");
    }
    String key = Signatures.verify(signatureBlob, signedHash, trustedKeys);
    InstallInfo info = plan.manifest().getNewPartitionInfo();
    if (verifyTargets) {
      verifyTarget(partition, info, ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, "the new partition");
      finishFile(kernel, plan.kernelInfo(), ErrorCode.NEW_KERNEL_VERIFICATION_ERROR, "the kernel");
      finishFile(pcrPolicy, plan.pcrInfo(), ErrorCode.NEW_PCR_POLICY_VERIFICATION_ERROR,
          "the PCR policy");
    }
    return new PayloadResult(size, whole, signedHash, key, plan.steps().size(), info.getSize(),
        info.getHash().toByteArray(), plan.kernelInfo() == null ? -1 : plan.kernelInfo().getSize(),
        plan.kernelInfo() == null ? new byte[0] : plan.kernelInfo().getHash().toByteArray());
  }

  private static byte[] finalHash(SHA256Digest d) {
    SHA256Digest copy = new SHA256Digest(d);
    byte[] out = new byte[32];
    copy.doFinal(out, 0);
    return out;
  }

  private void finishFile(PayloadTarget t, InstallInfo info, ErrorCode code, String what)
      throws PayloadException {
    if (t == null || info == null) {
      return;
    }
    try {
      t.truncate(info.getSize());
      t.force();
    } catch (IOException e) {
      throw new PayloadException(code, what + ": cannot cut to " + info.getSize() + " bytes", e);
    }
    verifyTarget(t, info, code, what);
  }

  private static void verifyTarget(PayloadTarget t, InstallInfo info, ErrorCode code, String what)
      throws PayloadException {
    byte[] actual;
    try {
      actual = t.sha256(info.getSize());
    } catch (IOException e) {
      throw new PayloadException(code, what + ": reading it back failed: " + e.getMessage(), e);
    }
    if (!MessageDigest.isEqual(actual, info.getHash().toByteArray())) {
      throw new PayloadException(code, what + " does not match the manifest's SHA-256 after writing");
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String printable(byte[] b, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(String.format("%02x", b[i]));
    }
    return "0x" + sb;
  }

  /** Stops the worker threads; the targets stay open (their owner closes them). */
  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
