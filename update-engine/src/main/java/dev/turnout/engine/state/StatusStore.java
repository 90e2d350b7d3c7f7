package dev.turnout.engine.state;

import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import dev.turnout.engine.status.AttemptOutcome;
import dev.turnout.engine.status.EngineStatus;
import dev.turnout.engine.status.UpdateStatus;
import dev.turnout.engine.system.SystemPaths;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code GetStatus} says, kept in prefs, so a daemon that exits when idle (and is started
 * again by a timer or a D-Bus call) or is killed answers as if it had never stopped: the last
 * checked time as soon as it changes, and for an update awaiting its reboot, its version and size.
 */
public final class StatusStore {
  private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);
  static final String LAST_CHECKED = "turnout-last-checked-time";
  static final String NEW_VERSION = "turnout-new-version";
  static final String NEW_SIZE = "turnout-new-size";
  static final String LAST_ERROR_CODE = "turnout-last-error-code";
  static final String LAST_ERROR_WIRE = "turnout-last-error-wire-code";
  static final String LAST_ERROR_TIME = "turnout-last-error-time";
  static final String LAST_ERROR_MESSAGE = "turnout-last-error-message";

  private final Prefs prefs;
  /** The last checked time in prefs, as this daemon last read or wrote it (-1: not known). */
  private volatile long keptChecked = -1;

  public StatusStore(Prefs prefs) {
    this.prefs = prefs;
  }

  /** The status to start in; {@code awaitingReboot} when the completion marker is there. */
  public EngineStatus load(boolean awaitingReboot) {
    try {
      long checked = prefs.getLong(LAST_CHECKED, 0, 0, Long.MAX_VALUE / 2);
      keptChecked = checked;
      if (!awaitingReboot) {
        return EngineStatus.idle(checked);
      }
      return new EngineStatus(checked, 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
          prefs.getString(NEW_VERSION).filter(v -> !v.isEmpty()).orElse(EngineStatus.NO_VERSION),
          prefs.getLong(NEW_SIZE, 0, 0, Long.MAX_VALUE));
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
        prefs.setLong(LAST_CHECKED, s.lastCheckedTime());
        keptChecked = s.lastCheckedTime();
      }
      if (s.operation() == UpdateStatus.UPDATED_NEED_REBOOT) {
        prefs.setString(NEW_VERSION, s.newVersion());
        prefs.setLong(NEW_SIZE, s.newSize());
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
      prefs.setString(LAST_ERROR_MESSAGE, e.message());
      prefs.setLong(LAST_ERROR_WIRE, e.wireCode());
      prefs.setLong(LAST_ERROR_TIME, e.time());
      prefs.setLong(LAST_ERROR_CODE, e.code().code); // last: it says the others are whole
    } catch (IOException x) {
      LOG.warn("cannot keep the last error: {}", x.getMessage());
    }
  }

  /** The last failed attempt an earlier daemon kept, or {@link AttemptOutcome#NONE}. */
  public AttemptOutcome loadLastError() {
    try {
      long code = prefs.getLong(LAST_ERROR_CODE, -1, -1, Integer.MAX_VALUE);
      var errorCode = dev.turnout.payload.ErrorCode.of((int) code);
      if (errorCode.isEmpty()) {
        return AttemptOutcome.NONE;
      }
      return new AttemptOutcome(0, AttemptOutcome.Result.ERROR,
          prefs.getLong(LAST_ERROR_TIME, 0, 0, Long.MAX_VALUE / 2), errorCode.get(),
          (int) prefs.getLong(LAST_ERROR_WIRE, 0, 0, Integer.MAX_VALUE),
          prefs.getString(LAST_ERROR_MESSAGE).orElse(""));
    } catch (IOException e) {
      LOG.warn("cannot read the last error: {}", e.getMessage());
      return AttemptOutcome.NONE;
    }
  }

  /**
   * Whether an installed update awaits its reboot: the completion marker in {@code /run}, written
   * in this boot. A marker from another boot (a {@code /run} that outlived it) awaits nothing:
   * the boot ID kept at install decides, not {@code /run} alone.
   */
  public static boolean rebootPending(SystemPaths paths, Prefs prefs) {
    if (!java.nio.file.Files.exists(paths.updateCompletedMarker())) {
      return false;
    }
    String boot = paths.bootId();
    try {
      String installed = prefs.getString(PrefKeys.INSTALLED_BOOT_ID).orElse("");
      boolean pending = boot.isEmpty() || installed.isEmpty() || installed.equals(boot);
      if (!pending) {
        LOG.info("{} is from boot {}, not this one ({}): no update awaits a reboot",
            paths.updateCompletedMarker(), installed, boot);
      }
      return pending;
    } catch (IOException e) {
      return true;
    }
  }

  /** {@link #rebootPending(SystemPaths, Prefs)} on this store's prefs. */
  public boolean rebootPending(SystemPaths paths) {
    return rebootPending(paths, prefs);
  }
}
