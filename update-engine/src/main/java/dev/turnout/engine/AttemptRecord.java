package dev.turnout.engine;

import dev.turnout.payload.Checkpoint;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What an update attempt records, and all that outlives it, as the transitions of the protocol in
 * the order an attempt makes them. Each rule about the kept state lives in exactly one transition:
 * when the download's progress is reset ({@link #downloadStarted}, {@link #kernelConsumed},
 * {@link #installed}, {@link #failed}), when a rollback is recorded ({@link #checking}), when a
 * version is refused for one ({@link #planned}), which URL and backoff apply ({@link #planned},
 * {@link #failed}). Stages and the attempter speak to this and never to prefs.
 *
 * <p>{@link PrefsAttemptRecord} keeps it in update_engine's prefs, under its key names.
 */
public interface AttemptRecord extends AlephStore {

  /** What {@link #planned} allows: the URL to download from, and the checkpoint to resume at. */
  record Planned(String url, Optional<Checkpoint> resumeFrom) {}

  /**
   * The node's running totals, kept across restarts for monitoring.
   *
   * @param attempts attempts ended, whatever their result
   * @param failures failed attempts by wire code (2000 + HTTP status as such), with its name
   * @param bytesDownloaded payload and extension bytes received
   * @param lastSuccessTime unix seconds of the last attempt that ended without an error (0: none)
   */
  record Tally(long attempts, java.util.SortedMap<Integer, Failures> failures,
      long bytesDownloaded, long lastSuccessTime) {
    /** Failures with one code. */
    public record Failures(String name, long count) {}
  }

  /**
   * What {@link #installed} keeps about an install that awaits its reboot.
   *
   * @param bootedSlot the label of the slot running {@code runningVersion} ({@code USR-A})
   * @param targetSlot the label of the slot now holding {@code version}
   */
  record Installed(String version, long size, long checkedAt, String runningVersion,
      String bootId, String bootedSlot, String targetSlot) {}

  /**
   * A rollback by hand: the other slot made the next boot.
   *
   * @param fromVersion the running version, left by the rollback
   * @param toVersion the other slot's version, or {@link EngineStatus#NO_VERSION} if not known
   */
  record RollingBack(String fromVersion, String toVersion, long checkedAt, String bootId) {}

  /**
   * An update check is about to be sent by version {@code runningVersion} in boot {@code bootId}.
   * If the last install was in an earlier boot and this is still its previous version, that
   * install rolled back: recorded here, for {@link #planned} to refuse it a while.
   *
   * @return the {@code previous-version} to report with this check (Flatcar's rollback report)
   */
  Optional<String> checking(String runningVersion, String bootId) throws IOException;

  /** The server answered the check (kept as update_engine's {@code full-response}). */
  void checked(OmahaResponse response) throws IOException;

  /**
   * The server offered {@code response}: whether it is taken now and how. Refused (error 36)
   * while the rollback guard holds its version back; deferred (error 40) while the payload
   * backs off after failed attempts; else the URL to use and where the download resumes.
   */
  Planned planned(OmahaResponse response) throws IOException, UpdateException;

  /** The first byte is asked for: a resumed download counts a resume, a fresh one starts clean. */
  void downloadStarted(OmahaResponse response, boolean resuming) throws IOException;

  /** Bytes arrived in this attempt: the URL works, its failure count starts over. */
  void transferWorks() throws IOException;

  /** A durable point of the download, to resume from after a cut or a crash. */
  void checkpoint(OmahaResponse response, Checkpoint checkpoint) throws IOException;

  /** The whole payload was applied and its signature checked: one more attempt counted. */
  void downloaded(OmahaResponse response) throws IOException;

  /**
   * Postinstall moves the staged kernel into place: the checkpoint counts on that staging file,
   * so from here on a cut attempt downloads afresh.
   */
  void kernelConsumed(OmahaResponse response) throws IOException;

  /**
   * The target is the next boot: keeps what {@code GetStatus} says until the reboot, the running
   * version as {@code previous-version}, this boot as the install's, the installed version for
   * the rollback guard; the download's progress is cleared.
   */
  void installed(Installed install) throws IOException;

  /**
   * The other slot was made the next boot by hand: until the reboot the engine says an update
   * (to {@code toVersion}) awaits it, and the first check after the reboot reports the
   * rollback as Flatcar does (event 3/0, error 44); the version left is then held back as a
   * version that rolled back (see {@link #planned}). A reboot still on {@code fromVersion} (the
   * rollback undone) reports nothing.
   */
  void rollingBack(RollingBack rollback) throws IOException;

  /**
   * The booted slot, new and on its first boot, failed its health gate: the engine falls back.
   * Kept as the last error ({@code outcome}); reported after the reboot as a rollback from
   * {@code runningVersion} (as {@link #rollingBack} does), which the rollback guard then holds
   * back; and once per boot: {@link #fellBack} says so for {@code bootId}.
   */
  void fallingBack(String runningVersion, String toVersion, long checkedAt, String bootId,
      AttemptOutcome outcome) throws IOException;

  /** Whether a rollback (by hand, or a fall back) in boot {@code bootId} awaits its reboot. */
  boolean rollbackAwaitsReboot(String bootId);

  /** Whether this boot fell back already. */
  boolean fellBack(String bootId);

  /**
   * When the daemon began waiting for boot {@code bootId}'s health: the first call in a boot
   * keeps {@code now}; later ones (a restarted daemon) return what was kept.
   */
  long healthWaitSince(String bootId, long now);

  /**
   * Boot {@code bootId}'s health gate passed or failed: kept, so a daemon started again in the
   * same boot neither waits again nor reports it again.
   */
  void healthResult(String bootId, boolean passed) throws IOException;

  /** What boot {@code bootId}'s health gate came to, as kept; empty while undecided. */
  Optional<Boolean> healthResult(String bootId);

  /** The version whose extensions were last fetched, or empty. */
  String extensionsTarget() throws IOException;

  /** Extensions are fetched for {@code version}: a new one starts its counts afresh. */
  void extensionsTarget(String version) throws IOException;

  /** Attempts for {@code version} that failed on an extension. */
  long extensionFailures(String version) throws IOException;

  /** One more attempt for {@code version} failed on an extension. */
  void extensionFailed(String version) throws IOException;

  /** {@code version} goes ahead without the optional extensions {@code ids}. */
  void extensionsLeftBehind(String version, List<String> ids) throws IOException;

  /** The extensions {@code version} was installed without. */
  List<String> extensionsLeftBehind(String version) throws IOException;

  /** The extension images Turnout placed, one line each (the extension store's format). */
  List<String> extensionsPlaced() throws IOException;

  /** Replaces the record of the images Turnout placed. */
  void extensionsPlaced(List<String> lines) throws IOException;

  /** The version Turnout last wrote to or ran from the slot labelled {@code label}, if known. */
  Optional<String> slotVersion(String label);

  /**
   * The attempt failed with {@code outcome} (an {@link AttemptOutcome.Result#ERROR}): kept as the
   * last error; the payload's retry policy learns of it and, unless the failure keeps progress (a
   * cut transfer, an extension), the download's progress is reset. Never throws: what cannot be
   * kept is logged.
   *
   * @param response the offer the attempt was working on, or null before there was one
   */
  void failed(OmahaResponse response, AttemptOutcome outcome);

  /** The attempt was cut by the daemon stopping: kept as the last error, nothing reset. */
  void abandoned(AttemptOutcome outcome);

  /**
   * Every attempt ends here, whatever its result, having received {@code bytesDownloaded}: the
   * totals count it (a failure by its code; a result without error is the last success).
   */
  void ended(AttemptOutcome outcome, long bytesDownloaded);

  /** The running totals. */
  Tally tally();

  /** The booted slot was marked good in boot {@code bootId}. */
  void bootedGood(String bootId) throws IOException;

  /** Whether the booted slot was marked good in boot {@code bootId} (empty ID: no). */
  boolean markedGood(String bootId) throws IOException;

  /**
   * Whether an installed update awaits its reboot: the completion marker {@code completedMarker}
   * (in {@code /run}) is there and the install was in boot {@code bootId}. A marker from another
   * boot (a {@code /run} that outlived it) awaits nothing: the boot ID kept at the install
   * decides, not {@code /run} alone. Either boot not known: the marker decides.
   */
  boolean awaitingReboot(java.nio.file.Path completedMarker, String bootId);

  /** The status to start in: the last checked time, and what is staged when awaiting a reboot. */
  EngineStatus restore(boolean awaitingReboot);

  /** The status changed: its checked time and any staged version are kept. */
  void status(EngineStatus status);

  /** The last failed attempt, however long ago, or {@link AttemptOutcome#NONE}. */
  AttemptOutcome lastError();

  /** When the next check is due (unix seconds), for a daemon that exits when idle. */
  OptionalLong nextCheckDue();

  /** The last check interval in seconds, whose doubling is the backoff against 500 and 503. */
  OptionalLong checkInterval();

  /** The next check is due at {@code due}, {@code interval} seconds after the last. */
  void scheduled(long due, long interval) throws IOException;
}
