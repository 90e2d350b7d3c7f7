package dev.turnout.engine;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops update/reboot loops. When the machine comes back up on the old version after installing a
 * new one (the new slot never proved healthy and the bootloader fell back), that version is
 * remembered; the same version is then not reinstalled for 24 hours, doubled after each further
 * rollback, and never again after three. A different version is installed as usual.
 */
final class RollbackGuard {
  private static final Logger LOG = LoggerFactory.getLogger(RollbackGuard.class);
  static final Duration FIRST_HOLD = Duration.ofHours(24);
  static final int GIVE_UP = 3;

  private final Prefs prefs;
  private final Clock clock;

  public RollbackGuard(Prefs prefs, Clock clock) {
    this.prefs = prefs;
    this.clock = clock;
  }

  /** Remembers the version just installed, to tell later whether it came up. */
  public void installed(String version) throws IOException {
    prefs.setString(PrefKeys.INSTALLED_VERSION, version);
  }

  /**
   * Called when the update check reports a rollback (previous-version equals the running one):
   * records which version failed to come up.
   */
  public void rolledBack(String runningVersion, boolean byHand) throws IOException {
    Optional<String> failed = prefs.getString(PrefKeys.INSTALLED_VERSION).filter(v -> !v.isEmpty());
    prefs.delete(PrefKeys.INSTALLED_VERSION);
    if (failed.isEmpty() || failed.get().equals(runningVersion)) {
      return;
    }
    long count = failed.get().equals(prefs.getString(PrefKeys.ROLLBACK_VERSION).orElse(""))
        ? prefs.getLong(PrefKeys.ROLLBACK_COUNT, 0, 0, GIVE_UP) + 1 : 1;
    prefs.setString(PrefKeys.ROLLBACK_VERSION, failed.get());
    prefs.setLong(PrefKeys.ROLLBACK_COUNT, count);
    prefs.setLong(PrefKeys.ROLLBACK_TIME, clock.instant().getEpochSecond());
    if (byHand) {
      LOG.warn("rolled back by hand from {} to {} ({} rollback(s) of {}); {} is held back",
          failed.get(), runningVersion, count, failed.get(), failed.get());
    } else {
      LOG.warn("the update to {} did not come up; back on {} ({} rollback(s) of {})",
          failed.get(), runningVersion, count, failed.get());
    }
  }

  /** Why {@code version} must not be installed now, or empty when it may be. */
  public Optional<String> refusal(String version) throws IOException {
    if (!version.equals(prefs.getString(PrefKeys.ROLLBACK_VERSION).orElse(""))) {
      return Optional.empty();
    }
    long count = prefs.getLong(PrefKeys.ROLLBACK_COUNT, 0, 0, GIVE_UP);
    if (count >= GIVE_UP) {
      return Optional.of("version " + version + " rolled back " + count + " times on this"
          + " machine; it will not be installed again (a newer version will be)");
    }
    long now = clock.instant().getEpochSecond();
    long at = prefs.getLong(PrefKeys.ROLLBACK_TIME, 0, 0, now);
    if (prefs.getLong(PrefKeys.ROLLBACK_TIME).orElse(0L) > now) {
      prefs.setLong(PrefKeys.ROLLBACK_TIME, now); // a time from the future: the hold starts now, once
    }
    Instant until = Instant.ofEpochSecond(at)
        .plus(FIRST_HOLD.multipliedBy(1L << Math.max(0, count - 1)));
    if (clock.instant().isBefore(until)) {
      return Optional.of("version " + version + " rolled back " + count + " time(s) on this"
          + " machine; not reinstalling it before " + until);
    }
    return Optional.empty();
  }
}
