package dev.turnout.engine;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * update_engine's payload retry policy ({@code payload_state.cc}): which URL to use, when to move to
 * the next, how many attempts a payload had, and the backoff between attempts. Persisted in prefs;
 * a different response (URLs, size, hash, options) starts over.
 */
final class PayloadState {
  private static final Duration MAX_BACKOFF = Duration.ofDays(16);
  /** Far more failures or attempts than any payload has; a larger count in prefs is corrupt. */
  private static final long MAX_COUNT = 1_000_000;

  private final Prefs prefs;
  private final Clock clock;
  private final Random random;

  public PayloadState(Prefs prefs, Clock clock, Random random) {
    this.prefs = prefs;
    this.clock = clock;
    this.random = random;
  }

  /** update_engine's response signature: what makes two responses "the same payload". */
  static String signature(OmahaResponse r) {
    StringBuilder sb = new StringBuilder("NumURLs = " + r.payloadUrls().size() + "\n");
    for (int i = 0; i < r.payloadUrls().size(); i++) {
      sb.append("Url").append(i).append(" = ").append(r.payloadUrls().get(i)).append("\n");
    }
    return sb.append("Payload Size = ").append(r.size()).append("\nPayload Sha256 Hash = ")
        .append(r.sha256()).append("\nIs Delta Payload = ").append(r.isDeltaPayload() ? 1 : 0)
        .append("\nMax Failure Count Per Url = ").append(r.maxFailureCountPerUrl())
        .append("\nDisable Payload Backoff = ").append(r.disablePayloadBackoff() ? 1 : 0)
        .append("\n").toString();
  }

  /** Adopts a new response; resets every counter when it differs from the last one. */
  void adopt(OmahaResponse r) throws IOException {
    String sig = signature(r);
    if (!sig.equals(prefs.getString(PrefKeys.CURRENT_RESPONSE_SIGNATURE).orElse(""))) {
      prefs.setString(PrefKeys.CURRENT_RESPONSE_SIGNATURE, sig);
      prefs.setLong(PrefKeys.PAYLOAD_ATTEMPT_NUMBER, 0);
      prefs.setLong(PrefKeys.CURRENT_URL_INDEX, 0);
      prefs.setLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, 0);
      prefs.setLong(PrefKeys.BACKOFF_EXPIRY_TIME, 0);
    }
    if (r.disablePayloadBackoff()) {
      prefs.setLong(PrefKeys.BACKOFF_EXPIRY_TIME, 0);
    }
    long urlIndex = prefs.getLong(PrefKeys.CURRENT_URL_INDEX, 0, 0, Integer.MAX_VALUE);
    if (urlIndex < 0 || urlIndex >= r.payloadUrls().size()) {
      prefs.setLong(PrefKeys.CURRENT_URL_INDEX, 0);
    }
  }

  String currentUrl(OmahaResponse response) throws IOException {
    long i = prefs.getLong(PrefKeys.CURRENT_URL_INDEX, 0, 0, Integer.MAX_VALUE);
    return response.payloadUrls().get(i < response.payloadUrls().size() ? (int) i : 0);
  }

  long attemptNumber() throws IOException {
    return prefs.getLong(PrefKeys.PAYLOAD_ATTEMPT_NUMBER, 0, 0, MAX_COUNT);
  }

  /** Whether the payload must wait (error 40); never when the server disabled backoff. */
  boolean shouldBackoff(OmahaResponse response) throws IOException {
    if (response.disablePayloadBackoff() || response.isDeltaPayload()) {
      return false;
    }
    long expiry = prefs.getLong(PrefKeys.BACKOFF_EXPIRY_TIME, 0, 0, Long.MAX_VALUE / 2);
    long now = clock.instant().getEpochSecond();
    if (expiry - now > MAX_BACKOFF.toSeconds()) {
      prefs.setLong(PrefKeys.BACKOFF_EXPIRY_TIME, now);
      return false;
    }
    return expiry > now;
  }

  /** Bytes arrived: the current URL works, its failure count starts over. */
  void downloadProgress() throws IOException {
    if (prefs.getLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, 0, 0, MAX_COUNT) != 0) {
      prefs.setLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, 0);
    }
  }

  /** The payload downloaded fine: one more attempt counted, with its backoff. */
  void downloadComplete(OmahaResponse response) throws IOException {
    if (!response.isDeltaPayload()) {
      incrementAttempt(response);
    }
  }

  /** Classifies a failure as update_engine's {@code UpdateFailed} does. */
  void updateFailed(OmahaResponse response, ErrorCode code) throws IOException {
    switch (classify(code)) {
      case NEXT_URL -> nextUrl(response);
      case COUNT_FAILURE, RETRY_TRANSFER -> {
        long n = prefs.getLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, 0, 0, MAX_COUNT) + 1;
        if (n >= response.maxFailureCountPerUrl()) {
          nextUrl(response);
        } else {
          prefs.setLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, n);
        }
      }
      case NONE -> { }
    }
  }

  /**
   * Whether the download's progress survives a failure with {@code code}: a cut transfer (a
   * later attempt resumes it) and a failed extension; anything else starts the next attempt
   * afresh.
   */
  static boolean keepsProgress(ErrorCode code) {
    // An extension that failed says nothing against the OS payload, written and verified by then:
    // the next attempt resumes at its end and fetches only what is missing.
    return classify(code) == Action.RETRY_TRANSFER || code.isExtension();
  }

  /**
   * What a failure means for the payload ({@code payload_state.cc}): the URL is bad (next URL),
   * the URL may work on a retry (count a failure; a cut transfer keeps its progress), or it says
   * nothing about the URL. Exhaustive: a new code does not compile until it is placed here.
   */
  enum Action { NEXT_URL, COUNT_FAILURE, RETRY_TRANSFER, NONE }

  static Action classify(ErrorCode code) {
    return switch (code) {
      case PAYLOAD_HASH_MISMATCH_ERROR, PAYLOAD_SIZE_MISMATCH_ERROR,
          DOWNLOAD_PAYLOAD_VERIFICATION_ERROR, SIGNED_DELTA_PAYLOAD_EXPECTED_ERROR,
          DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR, DOWNLOAD_INVALID_METADATA_MAGIC_STRING,
          DOWNLOAD_SIGNATURE_MISSING_IN_MANIFEST, DOWNLOAD_MANIFEST_PARSE_ERROR,
          DOWNLOAD_METADATA_SIGNATURE_ERROR, DOWNLOAD_METADATA_SIGNATURE_VERIFICATION_ERROR,
          DOWNLOAD_METADATA_SIGNATURE_MISMATCH, DOWNLOAD_OPERATION_HASH_VERIFICATION_ERROR,
          DOWNLOAD_OPERATION_EXECUTION_ERROR, DOWNLOAD_OPERATION_HASH_MISMATCH,
          DOWNLOAD_INVALID_METADATA_SIZE, DOWNLOAD_INVALID_METADATA_SIGNATURE,
          DOWNLOAD_OPERATION_HASH_MISSING_ERROR, DOWNLOAD_METADATA_SIGNATURE_MISSING_ERROR ->
          Action.NEXT_URL;
      case ERROR, DOWNLOAD_WRITE_ERROR, DOWNLOAD_STATE_INITIALIZATION_ERROR,
          OMAHA_ERROR_IN_HTTP_RESPONSE -> Action.COUNT_FAILURE;
      case DOWNLOAD_TRANSFER_ERROR, OMAHA_REQUEST_HTTP_RESPONSE_BASE -> Action.RETRY_TRANSFER;
      case SUCCESS, OMAHA_REQUEST_ERROR, OMAHA_RESPONSE_HANDLER_ERROR, FILESYSTEM_COPIER_ERROR,
          POSTINSTALL_RUNNER_ERROR, SET_BOOTABLE_FLAG_ERROR, INSTALL_DEVICE_OPEN_ERROR,
          KERNEL_DEVICE_OPEN_ERROR, DOWNLOAD_NEW_PARTITION_INFO_ERROR,
          NEW_ROOTFS_VERIFICATION_ERROR, NEW_KERNEL_VERIFICATION_ERROR,
          POSTINSTALL_BOOTED_FROM_FIRMWARE_B, OMAHA_REQUEST_EMPTY_RESPONSE_ERROR,
          OMAHA_REQUEST_XML_PARSE_ERROR, OMAHA_RESPONSE_INVALID, OMAHA_UPDATE_IGNORED_PER_POLICY,
          OMAHA_UPDATE_DEFERRED_PER_POLICY, OMAHA_UPDATE_DEFERRED_FOR_BACKOFF,
          POSTINSTALL_POWERWASH_ERROR, NEW_PCR_POLICY_VERIFICATION_ERROR,
          NEW_PCR_POLICY_HTTP_ERROR, ROLLBACK_ERROR, DOWNLOAD_INCOMPLETE,
          EXTENSION_DOWNLOAD_ERROR, EXTENSION_HASH_MISMATCH, EXTENSION_SIGNATURE_ERROR,
          EXTENSION_NO_SOURCE, EXTENSION_VERIFICATION_ERROR, EXTENSION_WRITE_ERROR,
          EXTENSIONS_LEFT_BEHIND, BOOT_HEALTH_FAILED -> Action.NONE;
    };
  }

  private void nextUrl(OmahaResponse response) throws IOException {
    long next = prefs.getLong(PrefKeys.CURRENT_URL_INDEX, 0, 0, Integer.MAX_VALUE) + 1;
    prefs.setLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, 0);
    if (next >= response.payloadUrls().size()) {
      prefs.setLong(PrefKeys.CURRENT_URL_INDEX, 0);
      incrementAttempt(response);
    } else {
      prefs.setLong(PrefKeys.CURRENT_URL_INDEX, next);
    }
  }

  /** Attempt + 1 and a backoff of min(2^(n-1), 16) days, give or take 6 hours. */
  private void incrementAttempt(OmahaResponse response) throws IOException {
    long n = attemptNumber() + 1;
    prefs.setLong(PrefKeys.PAYLOAD_ATTEMPT_NUMBER, n);
    if (response.disablePayloadBackoff()) {
      prefs.setLong(PrefKeys.BACKOFF_EXPIRY_TIME, 0);
      return;
    }
    long days = Math.min(1L << Math.min(n - 1, 5), 16);
    long fuzzMinutes = random.nextInt(721) - 360;
    long expiry = clock.instant().plus(Duration.ofDays(days)).plus(Duration.ofMinutes(fuzzMinutes))
        .getEpochSecond();
    prefs.setLong(PrefKeys.BACKOFF_EXPIRY_TIME, expiry);
  }
}
