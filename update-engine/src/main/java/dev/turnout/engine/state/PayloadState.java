package dev.turnout.engine.state;

import dev.turnout.engine.omaha.OmahaResponse;
import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;

/**
 * update_engine's payload retry policy ({@code payload_state.cc}): which URL to use, when to move to
 * the next, how many attempts a payload had, and the backoff between attempts. Persisted in prefs;
 * a different response (URLs, size, hash, options) starts over.
 */
public final class PayloadState {
  private static final Duration MAX_BACKOFF = Duration.ofDays(16);

  private final Prefs prefs;
  private final Clock clock;
  private final Random random;
  private OmahaResponse response;

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
  public void setResponse(OmahaResponse r) throws IOException {
    this.response = r;
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
    long urlIndex = prefs.getLong(PrefKeys.CURRENT_URL_INDEX).orElse(0L);
    if (urlIndex < 0 || urlIndex >= r.payloadUrls().size()) {
      prefs.setLong(PrefKeys.CURRENT_URL_INDEX, 0);
    }
  }

  public String currentUrl() throws IOException {
    return response.payloadUrls().get((int) (long) prefs.getLong(PrefKeys.CURRENT_URL_INDEX)
        .orElse(0L));
  }

  public long attemptNumber() throws IOException {
    return prefs.getLong(PrefKeys.PAYLOAD_ATTEMPT_NUMBER).orElse(0L);
  }

  /** Whether the payload must wait (error 40); never when the server disabled backoff. */
  public boolean shouldBackoff() throws IOException {
    if (response == null || response.disablePayloadBackoff() || response.isDeltaPayload()) {
      return false;
    }
    long expiry = prefs.getLong(PrefKeys.BACKOFF_EXPIRY_TIME).orElse(0L);
    long now = clock.instant().getEpochSecond();
    if (expiry - now > MAX_BACKOFF.toSeconds()) {
      prefs.setLong(PrefKeys.BACKOFF_EXPIRY_TIME, now);
      return false;
    }
    return expiry > now;
  }

  /** Bytes arrived: the current URL works, its failure count starts over. */
  public void downloadProgress() throws IOException {
    if (prefs.getLong(PrefKeys.CURRENT_URL_FAILURE_COUNT).orElse(0L) != 0) {
      prefs.setLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, 0);
    }
  }

  /** The payload downloaded fine: one more attempt counted, with its backoff. */
  public void downloadComplete() throws IOException {
    if (!response.isDeltaPayload()) {
      incrementAttempt();
    }
  }

  /** Classifies a failure as update_engine's {@code UpdateFailed} does. */
  public void updateFailed(int code) throws IOException {
    if (response == null) {
      return;
    }
    switch (classify(code)) {
      case NEXT_URL -> nextUrl();
      case COUNT_FAILURE -> {
        long n = prefs.getLong(PrefKeys.CURRENT_URL_FAILURE_COUNT).orElse(0L) + 1;
        if (n >= response.maxFailureCountPerUrl()) {
          nextUrl();
        } else {
          prefs.setLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, n);
        }
      }
      case NONE -> { }
    }
  }

  enum Action { NEXT_URL, COUNT_FAILURE, NONE }

  static Action classify(int code) {
    if (code >= 2000) {
      return Action.COUNT_FAILURE;
    }
    return switch (code) {
      case 10, 11, 12, 17, 18, 21, 22, 23, 24, 25, 26, 27, 28, 29, 32, 33, 38, 39 ->
          Action.NEXT_URL;
      case 1, 9, 14, 20, 37 -> Action.COUNT_FAILURE;
      default -> Action.NONE;
    };
  }

  private void nextUrl() throws IOException {
    long next = prefs.getLong(PrefKeys.CURRENT_URL_INDEX).orElse(0L) + 1;
    prefs.setLong(PrefKeys.CURRENT_URL_FAILURE_COUNT, 0);
    if (next >= response.payloadUrls().size()) {
      prefs.setLong(PrefKeys.CURRENT_URL_INDEX, 0);
      incrementAttempt();
    } else {
      prefs.setLong(PrefKeys.CURRENT_URL_INDEX, next);
    }
  }

  /** Attempt + 1 and a backoff of min(2^(n-1), 16) days, give or take 6 hours. */
  private void incrementAttempt() throws IOException {
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
