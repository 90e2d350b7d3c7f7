package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.payload.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each transition of the record, read back from the prefs update_engine's tools read. */
class PrefsAttemptRecordTest {
  @TempDir Path dir;
  Prefs prefs;
  AttemptRecord record;
  final Instant now = Instant.parse("2026-12-01T00:00:00Z");
  final Checkpoint cp = new Checkpoint(3, 4096,
      new org.bouncycastle.crypto.digests.SHA256Digest().getEncodedState(), new byte[0],
      new byte[0], 120, new byte[32]);
  final OmahaResponse offer = offer("1.1.0", "aGFzaC1h");

  static OmahaResponse offer(String version, String sha256) {
    return new OmahaResponse(true, version, List.of("http://a/p.gz", "http://b/p.gz"), "p.gz",
        1000, sha256, "", false, 2, false, OptionalInt.empty(), List.of(), "");
  }

  @BeforeEach
  void setUp() {
    prefs = new Prefs(dir.resolve("prefs"));
    record = new PrefsAttemptRecord(prefs, Clock.fixed(now, ZoneOffset.UTC), new Random(1));
  }

  private AttemptOutcome error(ErrorCode code) {
    return new AttemptOutcome(1, AttemptOutcome.Result.ERROR, now.getEpochSecond(), code,
        code.code, "failed");
  }

  @Test
  void checkingReportsThePreviousVersionOnceAndRecordsARollbackOnlyInALaterBoot()
      throws Exception {
    assertThat(record.checking("1.0.0", "boot-1")).as("never installed: absent").isEmpty();
    record.installed(new AttemptRecord.Installed("1.1.0", 1000, 5, "1.0.0", "boot-1", "USR-A", "USR-B"));
    assertThat(record.checking("1.0.0", "boot-1")).as("the install's own boot").isEmpty();
    assertThat(prefs.getString(PrefKeys.PREVIOUS_VERSION)).hasValue("1.0.0");
    // The next boot came up on 1.1.0: reported as 3/2 once, then empty.
    assertThat(record.checking("1.1.0", "boot-2")).hasValue("1.0.0");
    assertThat(record.checking("1.1.0", "boot-2")).hasValue("");
    assertThat(record.planned(offer("1.2.0", "aGFzaC1i")).url()).isEqualTo("http://a/p.gz");
  }

  @Test
  void comingBackOnTheOldVersionIsARollbackThatHoldsTheFailedVersionBack() throws Exception {
    record.installed(new AttemptRecord.Installed("1.1.0", 1000, 5, "1.0.0", "boot-1", "USR-A", "USR-B"));
    assertThat(record.checking("1.0.0", "boot-2")).as("reported as error 44").hasValue("1.0.0");
    assertThatThrownBy(() -> record.planned(offer))
        .isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY);
          assertThat(e).hasMessageContaining("rolled back 1 time(s)");
        });
    assertThat(record.planned(offer("1.2.0", "aGFzaC1i")).url()).as("a newer one goes ahead")
        .isEqualTo("http://a/p.gz");
  }

  @Test
  void checkedKeepsTheFullResponse() throws Exception {
    OmahaResponse r = new OmahaResponse(false, "", List.of(), "", 0, "", "", false, 10, false,
        OptionalInt.empty(), List.of(), "<response/>");
    record.checked(r);
    assertThat(prefs.getString(PrefKeys.FULL_RESPONSE)).hasValue("<response/>");
  }

  @Test
  void aPlanResumesItsOwnPayloadOnlyAndADownloadStartedAfreshClearsIt() throws Exception {
    assertThat(record.planned(offer).resumeFrom()).isEmpty();
    record.checkpoint(offer, cp);
    assertThat(record.planned(offer).resumeFrom()).hasValueSatisfying(
        c -> assertThat(c.nextOperation()).isEqualTo(3));
    assertThat(record.planned(offer("1.1.0", "b3RoZXI=")).resumeFrom()).as("another payload")
        .isEmpty();
    record.downloadStarted(offer, true);
    assertThat(prefs.getLong(PrefKeys.RESUMED_UPDATE_FAILURES)).hasValue(1L);
    record.downloadStarted(offer, false);
    assertThat(record.planned(offer).resumeFrom()).isEmpty();
    assertThat(prefs.getLong(PrefKeys.RESUMED_UPDATE_FAILURES)).hasValue(0L);
  }

  @Test
  void failuresMoveToTheNextUrlAndOnlyCutTransfersKeepProgress() throws Exception {
    record.planned(offer);
    record.checkpoint(offer, cp);
    record.failed(offer, error(ErrorCode.DOWNLOAD_TRANSFER_ERROR));
    assertThat(record.planned(offer).resumeFrom()).as("a cut transfer resumes").isPresent();
    assertThat(record.lastError().code()).isEqualTo(ErrorCode.DOWNLOAD_TRANSFER_ERROR);
    record.transferWorks();
    assertThat(prefs.getLong(PrefKeys.CURRENT_URL_FAILURE_COUNT)).hasValue(0L);
    record.failed(offer, error(ErrorCode.PAYLOAD_HASH_MISMATCH_ERROR));
    AttemptRecord.Planned next = record.planned(offer);
    assertThat(next.url()).as("a bad payload: the next URL").isEqualTo("http://b/p.gz");
    assertThat(next.resumeFrom()).as("and a fresh download").isEmpty();
    assertThat(record.lastError().code()).isEqualTo(ErrorCode.PAYLOAD_HASH_MISMATCH_ERROR);
  }

  @Test
  void aPayloadThatKeepsFailingBacksOffWithError40() throws Exception {
    record.planned(offer);
    record.downloaded(offer);
    assertThat(prefs.getLong(PrefKeys.PAYLOAD_ATTEMPT_NUMBER)).hasValue(1L);
    assertThatThrownBy(() -> record.planned(offer))
        .isInstanceOfSatisfying(UpdateException.class, e -> assertThat(e.code())
            .isEqualTo(ErrorCode.OMAHA_UPDATE_DEFERRED_FOR_BACKOFF));
  }

  @Test
  void theConsumedKernelEndsResumingAndTheInstallKeepsWhatGetStatusSays() throws Exception {
    record.checkpoint(offer, cp);
    record.kernelConsumed(offer);
    assertThat(record.planned(offer).resumeFrom()).isEmpty();
    record.installed(new AttemptRecord.Installed("1.1.0", 1000, 77, "1.0.0", "boot-1", "USR-A", "USR-B"));
    assertThat(record.restore(true)).isEqualTo(
        new EngineStatus(77, 0.0, UpdateStatus.UPDATED_NEED_REBOOT, "1.1.0", 1000));
    assertThat(prefs.getString(PrefKeys.INSTALLED_BOOT_ID)).hasValue("boot-1");
    assertThat(prefs.getLong(PrefKeys.UPDATE_STATE_NEXT_OPERATION)).hasValue(-1L);
  }

  @Test
  void anAbandonedAttemptKeepsItsErrorAndItsProgress() throws Exception {
    record.checkpoint(offer, cp);
    record.abandoned(error(ErrorCode.DOWNLOAD_WRITE_ERROR));
    assertThat(record.lastError().code()).isEqualTo(ErrorCode.DOWNLOAD_WRITE_ERROR);
    assertThat(record.planned(offer).resumeFrom()).isPresent();
  }

  @Test
  void markingGoodIsPerBootAndAMarkerOfAnotherBootAwaitsNothing() throws Exception {
    assertThat(record.markedGood("boot-1")).isFalse();
    record.bootedGood("boot-1");
    assertThat(record.markedGood("boot-1")).isTrue();
    assertThat(record.markedGood("boot-2")).isFalse();
    assertThat(record.markedGood("")).as("an unknown boot is never marked").isFalse();
    Path marker = dir.resolve("update_engine_autoupdate_completed");
    assertThat(record.awaitingReboot(marker, "boot-1")).as("no marker").isFalse();
    Files.createFile(marker);
    record.installed(new AttemptRecord.Installed("1.1.0", 1000, 5, "1.0.0", "boot-1", "USR-A", "USR-B"));
    assertThat(record.awaitingReboot(marker, "boot-1")).isTrue();
    assertThat(record.awaitingReboot(marker, "boot-2")).isFalse();
  }

  @Test
  void theTotalsCountEveryEndingAndSurviveAGarbledLine() throws Exception {
    record.ended(error(ErrorCode.DOWNLOAD_TRANSFER_ERROR), 1000);
    record.ended(error(ErrorCode.DOWNLOAD_TRANSFER_ERROR), 500);
    record.ended(new AttemptOutcome(3, AttemptOutcome.Result.NO_UPDATE, 1234, null, 0, ""), 0);
    AttemptRecord.Tally t = record.tally();
    assertThat(t.attempts()).isEqualTo(3);
    assertThat(t.bytesDownloaded()).isEqualTo(1500);
    assertThat(t.lastSuccessTime()).isEqualTo(1234);
    assertThat(t.failures()).containsOnlyKeys(9);
    assertThat(t.failures().get(9)).isEqualTo(
        new AttemptRecord.Tally.Failures("DOWNLOAD_TRANSFER_ERROR", 2));
    prefs.setString(PrefKeys.TALLY_FAILURES, "9 DOWNLOAD_TRANSFER_ERROR 2\nrubbish\n10 x\n");
    assertThat(record.tally().failures()).containsOnlyKeys(9);
  }

  @Test
  void theScheduleIsKeptForTheNextDaemon() throws Exception {
    assertThat(record.nextCheckDue()).isEmpty();
    assertThat(record.checkInterval()).isEmpty();
    record.scheduled(now.getEpochSecond() + 2700, 5400);
    AttemptRecord next = new PrefsAttemptRecord(prefs, Clock.systemUTC(), new Random(2));
    assertThat(next.nextCheckDue()).hasValue(now.getEpochSecond() + 2700);
    assertThat(next.checkInterval()).hasValue(5400);
  }

}
