package dev.turnout.engine;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code GetStatus} says, kept in prefs, so a daemon that exits when idle (and is started
 * again by a timer or a D-Bus call) or is killed answers as if it had never stopped: the last
 * checked time as soon as it changes, and for an update awaiting its reboot, its version and size.
 */
final class StatusStore {
  private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);

  private final Prefs prefs;
  /** The last checked time in prefs, as this daemon last read or wrote it (-1: not known). */
  private volatile long keptChecked = -1;

  public StatusStore(Prefs prefs) {
    this.prefs = prefs;
  }

  /** The status to start in; {@code awaitingReboot} when the completion marker is there. */
  public EngineStatus load(boolean awaitingReboot) {
    try {
      long checked = prefs.getLong(PrefKeys.LAST_CHECKED, 0, 0, Long.MAX_VALUE / 2);
      keptChecked = checked;
      if (!awaitingReboot) {
        return EngineStatus.idle(checked);
      }
      return new EngineStatus(checked, 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
          prefs.getString(PrefKeys.NEW_VERSION).filter(v -> !v.isEmpty()).orElse(EngineStatus.NO_VERSION),
          prefs.getLong(PrefKeys.NEW_SIZE, 0, 0, Long.MAX_VALUE));
    } catch (IOException e) {
      LOG.warn("cannot read the last status: {}", e.getMessage());
      return awaitingReboot ? EngineStatus.idle(0).with(UpdateStatus.UPDATED_NEED_REBOOT)
          : EngineStatus.idle(0);
    }
  }

  /**
   * Keeps the last checked time whenever it changes (a kill during the download that follows a
   * check must not lose it), and an installed update's version and size.
   */
  public void save(EngineStatus s) {
    try {
      if (keptChecked != s.lastCheckedTime()) {
        prefs.setLong(PrefKeys.LAST_CHECKED, s.lastCheckedTime());
        keptChecked = s.lastCheckedTime();
      }
      if (s.operation() == UpdateStatus.UPDATED_NEED_REBOOT) {
        prefs.setString(PrefKeys.NEW_VERSION, s.newVersion());
        prefs.setLong(PrefKeys.NEW_SIZE, s.newSize());
      }
    } catch (IOException e) {
      LOG.warn("cannot keep the status: {}", e.getMessage());
    }
  }

  /** Keeps the last failed attempt, which {@code -status -json} shows however long ago it was. */
  public void saveLastError(AttemptOutcome e) {
    if (e.result() != AttemptOutcome.Result.ERROR || e.code() == null) {
      return;
    }
    try {
      prefs.setString(PrefKeys.LAST_ERROR_MESSAGE, e.message());
      prefs.setLong(PrefKeys.LAST_ERROR_WIRE, e.wireCode());
      prefs.setLong(PrefKeys.LAST_ERROR_TIME, e.time());
      prefs.setLong(PrefKeys.LAST_ERROR_CODE, e.code().code); // last: it says the others are whole
    } catch (IOException x) {
      LOG.warn("cannot keep the last error: {}", x.getMessage());
    }
  }

  /** The last failed attempt an earlier daemon kept, or {@link AttemptOutcome#NONE}. */
  public AttemptOutcome loadLastError() {
    try {
      long code = prefs.getLong(PrefKeys.LAST_ERROR_CODE, -1, -1, Integer.MAX_VALUE);
      var errorCode = ErrorCode.of((int) code);
      if (errorCode.isEmpty()) {
        return AttemptOutcome.NONE;
      }
      return new AttemptOutcome(0, AttemptOutcome.Result.ERROR,
          prefs.getLong(PrefKeys.LAST_ERROR_TIME, 0, 0, Long.MAX_VALUE / 2), errorCode.get(),
          (int) prefs.getLong(PrefKeys.LAST_ERROR_WIRE, 0, 0, Integer.MAX_VALUE),
          prefs.getString(PrefKeys.LAST_ERROR_MESSAGE).orElse(""));
    } catch (IOException e) {
      LOG.warn("cannot read the last error: {}", e.getMessage());
      return AttemptOutcome.NONE;
    }
  }
}
