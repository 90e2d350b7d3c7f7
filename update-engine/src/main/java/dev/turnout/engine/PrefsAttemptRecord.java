package dev.turnout.engine;

import dev.turnout.payload.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The attempt's record in update_engine's prefs directory: update_engine's keys where it has
 * them (so its tools and postinstall read what they expect), Turnout's own beside them. The
 * parts behind it, each with the rules update_engine gives it: the payload's retry policy
 * ({@link PayloadState}), the resume point ({@link ResumeStore}), the rollback guard
 * ({@link RollbackGuard}) and what {@code GetStatus} says across restarts ({@link StatusStore}).
 */
public final class PrefsAttemptRecord implements AttemptRecord {
  private static final Logger LOG = LoggerFactory.getLogger(PrefsAttemptRecord.class);

  private final Prefs prefs;
  private final PayloadState payload;
  private final ResumeStore resume;
  private final RollbackGuard rollbacks;
  private final StatusStore status;

  /**
   * The record a daemon kept on a node, for a tool that reads it (the client, the reboot
   * coordinator) with the daemon running or not.
   */
  public static PrefsAttemptRecord on(SystemPaths paths) {
    return new PrefsAttemptRecord(new Prefs(paths.prefsDir()), Clock.systemUTC(),
        new java.security.SecureRandom());
  }

  public PrefsAttemptRecord(Prefs prefs, Clock clock, Random random) {
    this.prefs = prefs;
    this.payload = new PayloadState(prefs, clock, random);
    this.resume = new ResumeStore(prefs);
    this.rollbacks = new RollbackGuard(prefs, clock);
    this.status = new StatusStore(prefs);
  }

  @Override
  public Optional<String> checking(String runningVersion, String bootId) throws IOException {
    // previous-version is kept until a boot after the install: within the boot that installed
    // the update (ResetStatus, a restarted daemon) nothing rolled back, whatever it says.
    if (installedIn(bootId)) {
      return Optional.empty();
    }
    String from = prefs.getString(PrefKeys.ROLLBACK_FROM).orElse("");
    if (!from.isEmpty()) {
      prefs.delete(PrefKeys.ROLLBACK_FROM);
      prefs.setString(PrefKeys.PREVIOUS_VERSION, "");
      if (!from.equals(runningVersion)) {
        rollbacks.rolledBack(runningVersion, true);
        return Optional.of(runningVersion); // equal to the running version: error 44
      }
      LOG.info("the rollback from {} was undone before its reboot; nothing to report", from);
      return Optional.empty();
    }
    Optional<String> previous = prefs.getString(PrefKeys.PREVIOUS_VERSION);
    if (previous.filter(p -> !p.isEmpty() && p.equals(runningVersion)).isPresent()) {
      rollbacks.rolledBack(runningVersion, false);
    }
    // update_engine empties it once the request is built: only the first check after an update
    // reboot reports it.
    prefs.setString(PrefKeys.PREVIOUS_VERSION, "");
    return previous;
  }

  @Override
  public void checked(OmahaResponse response) throws IOException {
    prefs.setString(PrefKeys.FULL_RESPONSE, response.rawXml());
  }

  @Override
  public Planned planned(OmahaResponse response) throws IOException, UpdateException {
    Optional<String> refusal = rollbacks.refusal(response.version());
    if (refusal.isPresent()) {
      throw new UpdateException(ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY, refusal.get(), null);
    }
    payload.adopt(response);
    if (payload.shouldBackoff(response)) {
      throw new UpdateException(ErrorCode.OMAHA_UPDATE_DEFERRED_FOR_BACKOFF,
          "backing off after " + payload.attemptNumber() + " failed attempts", null);
    }
    return new Planned(payload.currentUrl(response), resume.resumable(response.sha256()));
  }

  @Override
  public void downloadStarted(OmahaResponse response, boolean resuming) throws IOException {
    if (resuming) {
      resume.countResume();
    } else {
      resume.reset(response.sha256());
    }
  }

  @Override
  public void transferWorks() throws IOException {
    payload.downloadProgress();
  }

  @Override
  public void checkpoint(OmahaResponse response, Checkpoint checkpoint) throws IOException {
    resume.save(response.sha256(), checkpoint);
  }

  @Override
  public void downloaded(OmahaResponse response) throws IOException {
    payload.downloadComplete(response);
  }

  @Override
  public void kernelConsumed(OmahaResponse response) throws IOException {
    resume.reset(response.sha256());
  }

  @Override
  public void installed(Installed install) throws IOException {
    // What GetStatus says first: a daemon killed from here on starts again saying it.
    status.save(new EngineStatus(install.checkedAt(), 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
        install.version(), install.size()));
    prefs.setLong(PrefKeys.DELTA_UPDATE_FAILURES, 0);
    prefs.setString(PrefKeys.PREVIOUS_VERSION, install.runningVersion());
    prefs.setString(PrefKeys.INSTALLED_BOOT_ID, install.bootId());
    resume.reset("");
    rollbacks.installed(install.version());
    prefs.delete(PrefKeys.ROLLBACK_FROM);
    slotVersions(install.bootedSlot(), install.runningVersion(), install.targetSlot(),
        install.version());
  }

  @Override
  public void rollingBack(RollingBack r) throws IOException {
    status.save(new EngineStatus(r.checkedAt(), 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
        r.toVersion(), 0));
    prefs.setString(PrefKeys.PREVIOUS_VERSION, "");
    prefs.setString(PrefKeys.INSTALLED_BOOT_ID, r.bootId());
    rollbacks.installed(r.fromVersion());
    prefs.setString(PrefKeys.ROLLBACK_FROM, r.fromVersion());
  }

  @Override
  public void fallingBack(String runningVersion, String toVersion, long checkedAt, String bootId,
      AttemptOutcome outcome) throws IOException {
    status.saveLastError(outcome);
    rollingBack(new RollingBack(runningVersion, toVersion, checkedAt, bootId));
    prefs.setString(PrefKeys.FELL_BACK_BOOT_ID, bootId);
  }

  @Override
  public boolean rollbackAwaitsReboot(String bootId) {
    try {
      return !prefs.getString(PrefKeys.ROLLBACK_FROM).orElse("").isEmpty()
          && (bootId.isEmpty() || installedIn(bootId));
    } catch (IOException e) {
      return true; // when in doubt, nothing is written over the slot to come back to
    }
  }

  @Override
  public boolean fellBack(String bootId) {
    try {
      return !bootId.isEmpty()
          && bootId.equals(prefs.getString(PrefKeys.FELL_BACK_BOOT_ID).orElse(""));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void healthResult(String bootId, boolean passed) throws IOException {
    if (!bootId.isEmpty()) {
      prefs.setString(PrefKeys.HEALTH_RESULT, bootId + (passed ? " passed" : " failed"));
    }
  }

  @Override
  public Optional<Boolean> healthResult(String bootId) {
    try {
      String[] kept = prefs.getString(PrefKeys.HEALTH_RESULT).orElse("").trim().split(" ");
      if (bootId.isEmpty() || kept.length != 2 || !kept[0].equals(bootId)) {
        return Optional.empty();
      }
      return Optional.of("passed".equals(kept[1]));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public long healthWaitSince(String bootId, long now) {
    try {
      String[] kept = prefs.getString(PrefKeys.HEALTH_WAIT).orElse("").trim().split(" ");
      if (kept.length == 2 && kept[0].equals(bootId) && !bootId.isEmpty()
          && kept[1].matches("\\d{1,18}")) {
        long since = Long.parseLong(kept[1]);
        if (since <= now) {
          return since;
        }
      }
      prefs.setString(PrefKeys.HEALTH_WAIT, bootId + " " + now);
    } catch (IOException e) {
      LOG.warn("cannot keep when this boot's health wait began: {}", e.getMessage());
    }
    return now;
  }

  @Override
  public String alephVersion() throws IOException {
    return prefs.getString(PrefKeys.ALEPH_VERSION).orElse("");
  }

  @Override
  public void keepAlephVersion(String version) throws IOException {
    prefs.setString(PrefKeys.ALEPH_VERSION, version);
  }

  @Override
  public String extensionsTarget() throws IOException {
    return prefs.getString(PrefKeys.EXTENSIONS_TARGET).orElse("");
  }

  @Override
  public void extensionsTarget(String version) throws IOException {
    if (!version.equals(extensionsTarget())) {
      prefs.setString(PrefKeys.EXTENSIONS_TARGET, version);
      prefs.setString(PrefKeys.EXTENSIONS_FAILURES, version + " 0");
      prefs.setString(PrefKeys.EXTENSIONS_LEFT_BEHIND, "");
    }
  }

  @Override
  public long extensionFailures(String version) throws IOException {
    String[] f = prefs.getString(PrefKeys.EXTENSIONS_FAILURES).orElse("").split(" ");
    if (f.length != 2 || !f[0].equals(version)) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(f[1]));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  @Override
  public void extensionFailed(String version) throws IOException {
    prefs.setString(PrefKeys.EXTENSIONS_FAILURES, version + " "
        + (extensionFailures(version) + 1));
  }

  @Override
  public void extensionsLeftBehind(String version, List<String> ids) throws IOException {
    prefs.setString(PrefKeys.EXTENSIONS_LEFT_BEHIND, version + " " + String.join(",", ids));
  }

  @Override
  public List<String> extensionsLeftBehind(String version) throws IOException {
    String v = prefs.getString(PrefKeys.EXTENSIONS_LEFT_BEHIND).orElse("");
    int sp = v.indexOf(' ');
    if (sp < 0 || !v.substring(0, sp).equals(version) || sp == v.length() - 1) {
      return List.of();
    }
    return java.util.Arrays.asList(v.substring(sp + 1).split(","));
  }

  @Override
  public List<String> extensionsPlaced() throws IOException {
    String all = prefs.getString(PrefKeys.EXTENSIONS_PLACED).orElse("");
    return all.isEmpty() ? List.of() : List.of(all.split("\n"));
  }

  @Override
  public void extensionsPlaced(List<String> lines) throws IOException {
    prefs.setString(PrefKeys.EXTENSIONS_PLACED, String.join("\n", lines));
  }

  @Override
  public Optional<String> slotVersion(String label) {
    try {
      for (String line : prefs.getString(PrefKeys.SLOT_VERSIONS).orElse("").split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length == 2 && f[0].equals(label) && !f[1].isEmpty()) {
          return Optional.of(f[1]);
        }
      }
    } catch (IOException e) {
      LOG.warn("cannot read which version each slot holds: {}", e.getMessage());
    }
    return Optional.empty();
  }

  private void slotVersions(String bootedSlot, String running, String targetSlot,
      String installed) throws IOException {
    if (bootedSlot == null || targetSlot == null) {
      return;
    }
    prefs.setString(PrefKeys.SLOT_VERSIONS, bootedSlot + " " + running + "\n" + targetSlot + " "
        + installed + "\n");
  }

  @Override
  public void failed(OmahaResponse response, AttemptOutcome outcome) {
    status.saveLastError(outcome);
    if (response == null || outcome.code() == null) {
      return;
    }
    try {
      payload.updateFailed(response, outcome.code());
      if (response.updateAvailable() && !PayloadState.keepsProgress(outcome.code())) {
        resume.reset(response.sha256());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot record the failure: {}", e.getMessage());
    }
  }

  @Override
  public void abandoned(AttemptOutcome outcome) {
    status.saveLastError(outcome);
  }

  @Override
  public void ended(AttemptOutcome outcome, long bytesDownloaded) {
    try {
      Tally t = tally();
      if (outcome.result() == AttemptOutcome.Result.ERROR && outcome.code() != null) {
        java.util.SortedMap<Integer, Tally.Failures> f = new java.util.TreeMap<>(t.failures());
        f.merge(outcome.wireCode(), new Tally.Failures(outcome.codeName(), 1),
            (a, b) -> new Tally.Failures(b.name(), a.count() + 1));
        StringBuilder lines = new StringBuilder();
        f.forEach((code, n) -> lines.append(code).append(' ').append(n.name()).append(' ')
            .append(n.count()).append('\n'));
        prefs.setString(PrefKeys.TALLY_FAILURES, lines.toString());
      } else {
        prefs.setLong(PrefKeys.LAST_SUCCESS, outcome.time());
      }
      prefs.setLong(PrefKeys.TALLY_BYTES, t.bytesDownloaded() + Math.max(0, bytesDownloaded));
      prefs.setLong(PrefKeys.TALLY_ATTEMPTS, t.attempts() + 1);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot count the attempt: {}", e.getMessage());
    }
  }

  @Override
  public Tally tally() {
    java.util.SortedMap<Integer, Tally.Failures> failures = new java.util.TreeMap<>();
    try {
      for (String line : prefs.getString(PrefKeys.TALLY_FAILURES).orElse("").split("\n")) {
        String[] f = line.trim().split(" ");
        if (f.length == 3 && f[0].matches("\\d{1,9}") && f[2].matches("\\d{1,18}")
            && f[1].matches("[A-Z0-9_]{1,64}")) {
          failures.put(Integer.parseInt(f[0]), new Tally.Failures(f[1], Long.parseLong(f[2])));
        }
      }
      return new Tally(prefs.getLong(PrefKeys.TALLY_ATTEMPTS, 0, 0, Long.MAX_VALUE / 2),
          failures, prefs.getLong(PrefKeys.TALLY_BYTES, 0, 0, Long.MAX_VALUE / 2),
          prefs.getLong(PrefKeys.LAST_SUCCESS, 0, 0, Long.MAX_VALUE / 2));
    } catch (IOException e) {
      LOG.warn("cannot read the attempt totals: {}", e.getMessage());
      return new Tally(0, failures, 0, 0);
    }
  }

  @Override
  public void bootedGood(String bootId) throws IOException {
    if (!bootId.isEmpty()) {
      prefs.setString(PrefKeys.MARKED_GOOD_BOOT_ID, bootId);
    }
  }

  @Override
  public boolean markedGood(String bootId) throws IOException {
    return !bootId.isEmpty()
        && bootId.equals(prefs.getString(PrefKeys.MARKED_GOOD_BOOT_ID).orElse(""));
  }

  @Override
  public boolean awaitingReboot(Path completedMarker, String bootId) {
    if (!Files.exists(completedMarker)) {
      return false;
    }
    try {
      String installed = prefs.getString(PrefKeys.INSTALLED_BOOT_ID).orElse("");
      boolean pending = bootId.isEmpty() || installed.isEmpty() || installed.equals(bootId);
      if (!pending) {
        LOG.info("{} is from boot {}, not this one ({}): no update awaits a reboot",
            completedMarker, installed, bootId);
      }
      return pending;
    } catch (IOException e) {
      return true;
    }
  }

  /** Whether the last install was in boot {@code bootId} (both known). */
  private boolean installedIn(String bootId) throws IOException {
    return !bootId.isEmpty()
        && bootId.equals(prefs.getString(PrefKeys.INSTALLED_BOOT_ID).orElse(""));
  }

  @Override
  public EngineStatus restore(boolean awaitingReboot) {
    return status.load(awaitingReboot);
  }

  @Override
  public void status(EngineStatus s) {
    status.save(s);
  }

  @Override
  public AttemptOutcome lastError() {
    return status.loadLastError();
  }

  @Override
  public OptionalLong nextCheckDue() {
    return readLong(PrefKeys.NEXT_CHECK);
  }

  @Override
  public OptionalLong checkInterval() {
    return readLong(PrefKeys.CHECK_INTERVAL);
  }

  @Override
  public void scheduled(long due, long interval) throws IOException {
    prefs.setLong(PrefKeys.CHECK_INTERVAL, interval);
    prefs.setLong(PrefKeys.NEXT_CHECK, due);
  }

  private OptionalLong readLong(String key) {
    try {
      Optional<Long> v = prefs.getLong(key);
      return v.isPresent() && v.get() >= 0 ? OptionalLong.of(v.get()) : OptionalLong.empty();
    } catch (IOException e) {
      LOG.warn("cannot read {}: {}", key, e.getMessage());
      return OptionalLong.empty();
    }
  }
}
