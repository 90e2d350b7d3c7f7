package dev.turnout.engine;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon on demand ({@code IDLE_EXIT_SEC} in update.conf, 60 by default; 0 keeps it
 * resident): it exits once for that long no attempt was under way, the boot was settled (marked
 * good, or found unhealthy), no check waits on the timers, and no D-Bus call came. The timer, a
 * D-Bus call (activation) or the next boot start it again; what GetStatus says survives in prefs.
 */
final class IdleExit {
  private static final Logger LOG = LoggerFactory.getLogger(IdleExit.class);

  /** What the daemon is doing, as the idle exit looks at it. */
  interface Work {
    /** An attempt under way (any status but IDLE and UPDATED_NEED_REBOOT). */
    boolean attempting();

    /** The boot not settled yet (marking pending or to be tried again). */
    boolean unsettled();

    /** A check waiting on the timers. */
    boolean checkPending();

    /** {@link System#nanoTime} of the last D-Bus method call. */
    long lastCallNanos();
  }

  private final Duration idle;
  private final Timers timers;
  private final Work work;
  private final LongSupplier nanoTime;
  private final Runnable exit;
  private long busySince;

  IdleExit(Duration idle, Timers timers, Work work, LongSupplier nanoTime, Runnable exit) {
    this.idle = idle;
    this.timers = timers;
    this.work = work;
    this.nanoTime = nanoTime;
    this.exit = exit;
    this.busySince = nanoTime.getAsLong();
  }

  /** The daemon's parts as {@link Work}. */
  static Work of(UpdateAttempter attempter, BootMarker marker, CheckScheduler scheduler,
      ManagerService service) {
    return new Work() {
      @Override
      public boolean attempting() {
        UpdateStatus op = attempter.status().operation();
        return op != UpdateStatus.IDLE && op != UpdateStatus.UPDATED_NEED_REBOOT;
      }

      @Override
      public boolean unsettled() {
        return !marker.settled();
      }

      @Override
      public boolean checkPending() {
        return scheduler.checkPending();
      }

      @Override
      public long lastCallNanos() {
        return service.lastCallNanos();
      }
    };
  }

  void start() {
    timers.schedule(step(), this::look);
  }

  private Duration step() {
    return idle.dividedBy(4).isZero() ? Duration.ofMillis(250) : idle.dividedBy(4);
  }

  private void look() {
    long now = nanoTime.getAsLong();
    if (work.attempting() || work.unsettled() || work.checkPending()) {
      busySince = now;
    }
    long quiet = Math.min(now - busySince, now - work.lastCallNanos());
    if (quiet >= idle.toNanos()) {
      LOG.info("idle for {} s: exiting until the timer, a D-Bus call or the next boot",
          idle.toSeconds());
      exit.run();
      return;
    }
    timers.schedule(step(), this::look);
  }
}
