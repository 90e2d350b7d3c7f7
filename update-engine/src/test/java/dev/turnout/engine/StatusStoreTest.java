package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusStoreTest {
  @TempDir Path dir;

  @Test
  void theLastCheckedTimeSurvivesAKillInTheMiddleOfTheDownloadThatFollowsTheCheck()
      throws Exception {
    Prefs prefs = new Prefs(dir);
    StatusStore store = new StatusStore(prefs);
    assertThat(store.load(false).lastCheckedTime()).isZero();
    store.save(new EngineStatus(1_700_000_000L, 0.0, UpdateStatus.UPDATE_AVAILABLE, "9.9.9", 10));
    store.save(new EngineStatus(1_700_000_000L, 0.4, UpdateStatus.DOWNLOADING, "9.9.9", 10));
    // kill -9 here: a daemon started afresh reads what was kept
    EngineStatus again = new StatusStore(prefs).load(false);
    assertThat(again.lastCheckedTime()).isEqualTo(1_700_000_000L);
    assertThat(again.operation()).isEqualTo(UpdateStatus.IDLE);
  }

  @Test
  void anInstalledUpdateKeepsItsVersionAndSize() throws Exception {
    Prefs prefs = new Prefs(dir);
    new StatusStore(prefs).save(new EngineStatus(1_700_000_100L, 1.0,
        UpdateStatus.UPDATED_NEED_REBOOT, "9.9.9", 4096));
    EngineStatus again = new StatusStore(prefs).load(true);
    assertThat(again).isEqualTo(new EngineStatus(1_700_000_100L, 0.0,
        UpdateStatus.UPDATED_NEED_REBOOT, "9.9.9", 4096));
  }

  @Test
  void theLastErrorSurvivesTheIdleExit() throws Exception {
    Prefs prefs = new Prefs(dir);
    assertThat(new StatusStore(prefs).loadLastError()).isEqualTo(
        AttemptOutcome.NONE);
    new StatusStore(prefs).saveLastError(new AttemptOutcome(3,
        AttemptOutcome.Result.ERROR, 1_700_000_200L,
        ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE, 2503,
        "the update server answered 503"));
    var e = new StatusStore(prefs).loadLastError();
    assertThat(e.result()).isEqualTo(AttemptOutcome.Result.ERROR);
    assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE);
    assertThat(e.wireCode()).isEqualTo(2503);
    assertThat(e.time()).isEqualTo(1_700_000_200L);
    assertThat(e.message()).isEqualTo("the update server answered 503");
  }

  @Test
  void aCompletionMarkerOutlivingItsBootIsNoPendingReboot() throws Exception {
    Path root = java.nio.file.Files.createDirectories(dir.resolve("root"));
    SystemPaths paths = new SystemPaths(root);
    Prefs prefs = new Prefs(dir.resolve("prefs"));
    java.nio.file.Files.createDirectories(paths.updateCompletedMarker().getParent());
    java.nio.file.Files.createFile(paths.updateCompletedMarker());
    java.nio.file.Path bootId = paths.resolve("/proc/sys/kernel/random/boot_id");
    java.nio.file.Files.createDirectories(bootId.getParent());
    java.nio.file.Files.writeString(bootId, "aaaa\n");
    prefs.setString(PrefKeys.INSTALLED_BOOT_ID, "aaaa");
    AttemptRecord record = new PrefsAttemptRecord(prefs, java.time.Clock.systemUTC(),
        new java.util.Random(1));
    assertThat(record.awaitingReboot(paths.updateCompletedMarker(), paths.bootId()))
        .as("installed in this boot").isTrue();
    java.nio.file.Files.writeString(bootId, "bbbb\n");
    assertThat(record.awaitingReboot(paths.updateCompletedMarker(), paths.bootId()))
        .as("another boot").isFalse();
    record.status(new EngineStatus(5, 1.0, UpdateStatus.UPDATED_NEED_REBOOT, "9.9.9", 1));
    assertThat(record.restore(record.awaitingReboot(paths.updateCompletedMarker(),
        paths.bootId())).operation()).isEqualTo(UpdateStatus.IDLE);
  }
}
