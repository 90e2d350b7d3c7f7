package dev.turnout.engine;

import dev.turnout.payload.Checkpoint;
import dev.turnout.payload.PayloadException;
import java.io.IOException;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The download's resume state in prefs, with update_engine's keys and its rules
 * ({@code CanResumeUpdate}, {@code ResetUpdateProgress}): the next operation is first set to -1 so a
 * crash in the middle of saving leaves nothing resumable; the full checkpoint (our hash-state
 * format, not libsodium's) is kept beside the standard keys.
 */
final class ResumeStore {
  private static final Logger LOG = LoggerFactory.getLogger(ResumeStore.class);
  /** update_engine gives up resuming after this many resumed attempts failed. */
  static final int MAX_RESUMED_FAILURES = 10;

  private final Prefs prefs;

  public ResumeStore(Prefs prefs) {
    this.prefs = prefs;
  }

  /** Saves a checkpoint for the payload whose Omaha sha256 is {@code responseHash}. */
  public void save(String responseHash, Checkpoint cp) throws IOException {
    prefs.setLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION, -1);
    prefs.setString(PrefKeys.UPDATE_CHECK_RESPONSE_HASH, responseHash);
    prefs.setLong(PrefKeys.MANIFEST_METADATA_SIZE, cp.metadataSize());
    prefs.setLong(PrefKeys.UPDATE_STATE_NEXT_DATA_OFFSET, cp.nextDataOffset());
    prefs.setString(PrefKeys.UPDATE_STATE_SHA256_CONTEXT,
        Base64.getEncoder().encodeToString(cp.hashState()));
    prefs.setString(PrefKeys.UPDATE_STATE_SIGNED_SHA256_CONTEXT,
        Base64.getEncoder().encodeToString(cp.signedHashState()));
    prefs.setBytes(PrefKeys.UPDATE_STATE_SIGNATURE_BLOB, cp.signatureBlob());
    prefs.setBytes(PrefKeys.CHECKPOINT, cp.encode());
    prefs.setLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION, cp.nextOperation());
  }

  /**
   * The checkpoint to resume from, if update_engine's rules allow it: the same payload, an
   * operation past the first, a usable saved state, and at most 10 resumed failures.
   */
  public Optional<Checkpoint> resumable(String responseHash) throws IOException {
    long next = prefs.getLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION).orElse(-1L);
    if (next <= 0
        || !responseHash.equals(prefs.getString(PrefKeys.UPDATE_CHECK_RESPONSE_HASH).orElse(""))
        || prefs.getLong(PrefKeys.RESUMED_UPDATE_FAILURES, 0, 0, 1_000_000) > MAX_RESUMED_FAILURES) {
      return Optional.empty();
    }
    Optional<byte[]> encoded = prefs.getBytes(PrefKeys.CHECKPOINT);
    if (encoded.isEmpty()) {
      return Optional.empty();
    }
    try {
      Checkpoint cp = Checkpoint.decode(encoded.get());
      return cp.nextOperation() == next ? Optional.of(cp) : Optional.empty();
    } catch (PayloadException e) {
      LOG.warn("dropping the saved download state, the download starts over: {}", e.reason());
      reset(responseHash);
      return Optional.empty();
    }
  }

  /** Counts a resumed attempt in advance, as update_engine does; cleared by {@link #reset}. */
  public void countResume() throws IOException {
    prefs.setLong(PrefKeys.RESUMED_UPDATE_FAILURES,
        prefs.getLong(PrefKeys.RESUMED_UPDATE_FAILURES, 0, 0, 1_000_000) + 1);
  }

  /** update_engine's full reset, before a fresh download or after success. */
  public void reset(String responseHash) throws IOException {
    prefs.setLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION, -1);
    prefs.setString(PrefKeys.UPDATE_CHECK_RESPONSE_HASH, responseHash);
    prefs.setLong(PrefKeys.UPDATE_STATE_NEXT_DATA_OFFSET, -1);
    prefs.setString(PrefKeys.UPDATE_STATE_SHA256_CONTEXT, "");
    prefs.setString(PrefKeys.UPDATE_STATE_SIGNED_SHA256_CONTEXT, "");
    prefs.setString(PrefKeys.UPDATE_STATE_SIGNATURE_BLOB, "");
    prefs.setLong(PrefKeys.MANIFEST_METADATA_SIZE, -1);
    prefs.setLong(PrefKeys.RESUMED_UPDATE_FAILURES, 0);
    prefs.delete(PrefKeys.CHECKPOINT);
  }
}
