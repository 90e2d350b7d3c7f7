package dev.turnout.engine;

import dev.turnout.payload.Checkpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A record that writes down every transition it is told of (name and what matters of it), in
 * order, then passes it to the real one: a test reads the attempt's bookkeeping as a list. Status
 * saves and reads are passed on unrecorded (they follow every status change).
 */
public final class RecordingAttemptRecord implements AttemptRecord {
  private final AttemptRecord inner;
  private final List<String> transitions = Collections.synchronizedList(new ArrayList<>());

  public RecordingAttemptRecord(AttemptRecord inner) {
    this.inner = inner;
  }

  /** The transitions so far; repeated checkpoints are one entry. */
  public List<String> transitions() {
    synchronized (transitions) {
      return List.copyOf(transitions);
    }
  }

  private void note(String t) {
    synchronized (transitions) {
      if (!(t.equals("checkpoint") && !transitions.isEmpty()
          && transitions.get(transitions.size() - 1).equals(t))) {
        transitions.add(t);
      }
    }
  }

  @Override
  public Optional<String> checking(String runningVersion, String bootId) throws IOException {
    note("checking " + runningVersion);
    return inner.checking(runningVersion, bootId);
  }

  @Override
  public void checked(OmahaResponse response) throws IOException {
    note("checked " + (response.updateAvailable() ? response.version() : "noupdate"));
    inner.checked(response);
  }

  @Override
  public Planned planned(OmahaResponse response) throws IOException, UpdateException {
    try {
      Planned p = inner.planned(response);
      note("planned " + response.version() + (p.resumeFrom().isPresent() ? " resuming" : ""));
      return p;
    } catch (UpdateException e) {
      note("planned " + response.version() + " refused " + e.wireCode());
      throw e;
    }
  }

  @Override
  public void downloadStarted(OmahaResponse response, boolean resuming) throws IOException {
    note("downloadStarted" + (resuming ? " resuming" : ""));
    inner.downloadStarted(response, resuming);
  }

  @Override
  public void transferWorks() throws IOException {
    note("transferWorks");
    inner.transferWorks();
  }

  @Override
  public void checkpoint(OmahaResponse response, Checkpoint checkpoint) throws IOException {
    note("checkpoint");
    inner.checkpoint(response, checkpoint);
  }

  @Override
  public void downloaded(OmahaResponse response) throws IOException {
    note("downloaded");
    inner.downloaded(response);
  }

  @Override
  public void kernelConsumed(OmahaResponse response) throws IOException {
    note("kernelConsumed");
    inner.kernelConsumed(response);
  }

  @Override
  public void installed(Installed install) throws IOException {
    note("installed " + install.version() + " from " + install.runningVersion());
    inner.installed(install);
  }

  @Override
  public void rollingBack(RollingBack rollback) throws IOException {
    note("rollingBack from " + rollback.fromVersion() + " to " + rollback.toVersion());
    inner.rollingBack(rollback);
  }

  @Override
  public void fallingBack(String runningVersion, String toVersion, long checkedAt, String bootId,
      AttemptOutcome outcome) throws IOException {
    note("fallingBack from " + runningVersion + " to " + toVersion);
    inner.fallingBack(runningVersion, toVersion, checkedAt, bootId, outcome);
  }

  @Override
  public boolean rollbackAwaitsReboot(String bootId) {
    return inner.rollbackAwaitsReboot(bootId);
  }

  @Override
  public boolean fellBack(String bootId) {
    return inner.fellBack(bootId);
  }

  @Override
  public void healthResult(String bootId, boolean passed) throws IOException {
    note("health " + (passed ? "passed" : "failed"));
    inner.healthResult(bootId, passed);
  }

  @Override
  public Optional<Boolean> healthResult(String bootId) {
    return inner.healthResult(bootId);
  }

  @Override
  public long healthWaitSince(String bootId, long now) {
    return inner.healthWaitSince(bootId, now);
  }

  @Override
  public String alephVersion() throws IOException {
    return inner.alephVersion();
  }

  @Override
  public void keepAlephVersion(String version) throws IOException {
    inner.keepAlephVersion(version);
  }

  @Override
  public String extensionsTarget() throws IOException {
    return inner.extensionsTarget();
  }

  @Override
  public void extensionsTarget(String version) throws IOException {
    inner.extensionsTarget(version);
  }

  @Override
  public long extensionFailures(String version) throws IOException {
    return inner.extensionFailures(version);
  }

  @Override
  public void extensionFailed(String version) throws IOException {
    note("extensionFailed " + version);
    inner.extensionFailed(version);
  }

  @Override
  public void extensionsLeftBehind(String version, List<String> ids) throws IOException {
    note("extensionsLeftBehind " + version + " " + ids);
    inner.extensionsLeftBehind(version, ids);
  }

  @Override
  public List<String> extensionsLeftBehind(String version) throws IOException {
    return inner.extensionsLeftBehind(version);
  }

  @Override
  public List<String> extensionsPlaced() throws IOException {
    return inner.extensionsPlaced();
  }

  @Override
  public void extensionsPlaced(List<String> lines) throws IOException {
    inner.extensionsPlaced(lines);
  }

  @Override
  public Optional<String> slotVersion(String label) {
    return inner.slotVersion(label);
  }

  @Override
  public void failed(OmahaResponse response, AttemptOutcome outcome) {
    note("failed " + outcome.wireCode());
    inner.failed(response, outcome);
  }

  @Override
  public void abandoned(AttemptOutcome outcome) {
    note("abandoned " + outcome.wireCode());
    inner.abandoned(outcome);
  }

  @Override
  public void ended(AttemptOutcome outcome, long bytesDownloaded) {
    note("ended " + outcome.result().name().toLowerCase(java.util.Locale.ROOT));
    inner.ended(outcome, bytesDownloaded);
  }

  @Override
  public Tally tally() {
    return inner.tally();
  }

  @Override
  public void bootedGood(String bootId) throws IOException {
    note("bootedGood");
    inner.bootedGood(bootId);
  }

  @Override
  public boolean markedGood(String bootId) throws IOException {
    return inner.markedGood(bootId);
  }

  @Override
  public boolean awaitingReboot(Path completedMarker, String bootId) {
    return inner.awaitingReboot(completedMarker, bootId);
  }

  @Override
  public EngineStatus restore(boolean awaitingReboot) {
    return inner.restore(awaitingReboot);
  }

  @Override
  public void status(EngineStatus status) {
    inner.status(status);
  }

  @Override
  public AttemptOutcome lastError() {
    return inner.lastError();
  }

  @Override
  public OptionalLong nextCheckDue() {
    return inner.nextCheckDue();
  }

  @Override
  public OptionalLong checkInterval() {
    return inner.checkInterval();
  }

  @Override
  public void scheduled(long due, long interval) throws IOException {
    note("scheduled");
    inner.scheduled(due, interval);
  }
}
