package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** payload_state_unittest.cc's cases, on prefs in a temp dir and a fixed clock. */
class PayloadStateTest {
  @TempDir Path dir;
  Prefs prefs;
  final Instant now = Instant.parse("2026-11-22T00:00:00Z");
  PayloadState state;
  OmahaResponse r;

  @BeforeEach
  void setUp() {
    prefs = new Prefs(dir);
    state = new PayloadState(prefs, Clock.fixed(now, ZoneOffset.UTC), new Random(1));
  }

  static OmahaResponse response(boolean disableBackoff, int maxFailures, String... urls) {
    return new OmahaResponse(true, "3900.0.0", List.of(urls), "p.gz", 1000, "c2hhMjU2",
        "", disableBackoff, maxFailures, false, OptionalInt.empty(), List.of(), "");
  }

  @Test
  void urlsRotateOnPayloadErrorsAndWrapIntoANewAttempt() throws Exception {
    state.adopt(r = response(true, 10, "http://a/p", "http://b/p"));
    assertThat(state.currentUrl(r)).isEqualTo("http://a/p");
    state.updateFailed(r, ErrorCode.PAYLOAD_HASH_MISMATCH_ERROR); // hash mismatch: next URL
    assertThat(state.currentUrl(r)).isEqualTo("http://b/p");
    state.updateFailed(r, ErrorCode.DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR);
    assertThat(state.currentUrl(r)).isEqualTo("http://a/p");
    assertThat(state.attemptNumber()).isEqualTo(1);
  }

  @Test
  void transferErrorsCountUpToMaxFailureCountPerUrl() throws Exception {
    state.adopt(r = response(true, 3, "http://a/p", "http://b/p"));
    state.updateFailed(r, ErrorCode.DOWNLOAD_TRANSFER_ERROR);
    state.updateFailed(r, ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE);
    assertThat(state.currentUrl(r)).isEqualTo("http://a/p");
    assertThat(prefs.getLong(PrefKeys.CURRENT_URL_FAILURE_COUNT)).hasValue(2L);
    state.downloadProgress();
    assertThat(prefs.getLong(PrefKeys.CURRENT_URL_FAILURE_COUNT)).hasValue(0L);
    state.updateFailed(r, ErrorCode.DOWNLOAD_TRANSFER_ERROR);
    state.updateFailed(r, ErrorCode.DOWNLOAD_TRANSFER_ERROR);
    state.updateFailed(r, ErrorCode.DOWNLOAD_WRITE_ERROR);
    assertThat(state.currentUrl(r)).isEqualTo("http://b/p");
    state.updateFailed(r, ErrorCode.POSTINSTALL_RUNNER_ERROR); // postinstall: no change
    assertThat(state.currentUrl(r)).isEqualTo("http://b/p");
  }

  @Test
  void aDifferentResponseStartsOver() throws Exception {
    state.adopt(r = response(true, 10, "http://a/p", "http://b/p"));
    state.updateFailed(r, ErrorCode.PAYLOAD_HASH_MISMATCH_ERROR);
    state.adopt(r = response(true, 10, "http://a/p", "http://b/p"));
    assertThat(state.currentUrl(r)).as("the same response keeps its state").isEqualTo("http://b/p");
    state.adopt(r = response(true, 10, "http://c/p"));
    assertThat(state.currentUrl(r)).isEqualTo("http://c/p");
    assertThat(state.attemptNumber()).isZero();
  }

  @Test
  void backoffGrowsPerAttemptWithinSixHoursOfFuzz() throws Exception {
    state.adopt(r = response(false, 10, "http://a/p"));
    for (int attempt = 1; attempt <= 6; attempt++) {
      state.downloadComplete(r);
      long expiry = prefs.getLong(PrefKeys.BACKOFF_EXPIRY_TIME).orElseThrow();
      long days = Math.min(1L << (attempt - 1), 16);
      long base = now.plus(Duration.ofDays(days)).getEpochSecond();
      assertThat(expiry).isBetween(base - 6 * 3600, base + 6 * 3600);
      assertThat(state.shouldBackoff(r)).isTrue();
    }
  }

  @Test
  void disablePayloadBackoffClearsAndSkipsIt() throws Exception {
    state.adopt(r = response(false, 10, "http://a/p"));
    state.downloadComplete(r);
    assertThat(state.shouldBackoff(r)).isTrue();
    state.adopt(r = response(true, 10, "http://a/p"));
    assertThat(state.shouldBackoff(r)).isFalse();
    assertThat(prefs.getLong(PrefKeys.BACKOFF_EXPIRY_TIME)).hasValue(0L);
  }

  @Test
  void anExpiryMoreThan16DaysAheadIsResetAtLoad() throws Exception {
    state.adopt(r = response(false, 10, "http://a/p"));
    prefs.setLong(PrefKeys.BACKOFF_EXPIRY_TIME, now.plus(Duration.ofDays(40)).getEpochSecond());
    assertThat(state.shouldBackoff(r)).isFalse();
  }

  @Test
  void aNegativeAttemptNumberInPrefsIsTakenAsZero() throws Exception {
    state.adopt(r = response(false, 10, "http://a/p"));
    prefs.setString(PrefKeys.PAYLOAD_ATTEMPT_NUMBER, "-1");
    state.downloadComplete(r);
    assertThat(state.attemptNumber()).isEqualTo(1);
    long expiry = prefs.getLong(PrefKeys.BACKOFF_EXPIRY_TIME).orElseThrow();
    assertThat(expiry - now.getEpochSecond()).as("one day, give or take six hours")
        .isBetween(18L * 3600, 30L * 3600);
  }
}
