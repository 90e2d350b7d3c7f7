package dev.turnout.engine;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When to check for updates ({@code update_check_scheduler.cc}): the first check 7 min after start
 * with 10 min of fuzz (120..720 s), then every 45 min with 10 min of fuzz (2400..3000 s); a server
 * {@code PollInterval} (fuzz ±half) when it is not below 45 min; after HTTP 500 or 503, twice the
 * last interval up to 4 h (fuzz ±half). All on injected {@link Timers}.
 */
final class CheckScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(CheckScheduler.class);
  static final int FIRST = 7 * 60;
  static final int PERIOD = 45 * 60;
  static final int FUZZ = 10 * 60;
  static final int MAX_BACKOFF = 4 * 3600;
  /** A server's {@code PollInterval} above a week is taken as a week: checks never stop. */
  static final int MAX_POLL = 7 * 24 * 3600;

  /** The latest a next check can be from now: the longest interval, with its fuzz. */
  static final long LATEST = MAX_POLL + MAX_POLL / 2 + 1;

  private final Timers timers;
  private final Random random;
  private final UpdateAttempter attempter;
  private final AttemptRecord onDemand;
  private final Clock clock;
  private int lastInterval = PERIOD;
  private OptionalInt lastPoll = OptionalInt.empty();
  private Timers.Task pending;
  private int attemptsEnded;

  /** A resident daemon's schedule: every next check on the timers. */
  public CheckScheduler(Timers timers, Random random, UpdateAttempter attempter, Clock clock) {
    this(timers, random, attempter, null, clock);
  }

  /**
   * With {@code onDemand}, the schedule of a daemon that exits when idle: when an attempt ends
   * the next check's time is kept in the record, and a later start checks only once it is due.
   */
  public CheckScheduler(Timers timers, Random random, UpdateAttempter attempter,
      AttemptRecord onDemand, Clock clock) {
    this.timers = timers;
    this.random = random;
    this.attempter = attempter;
    this.onDemand = onDemand;
    this.clock = clock;
    if (onDemand != null) {
      // The backoff goes on where the last daemon left it, not from 45 min at each start.
      lastInterval = (int) Math.max(PERIOD, Math.min(MAX_POLL,
          onDemand.checkInterval().orElse(PERIOD)));
    }
  }

  /** Whether a check is waiting on the timers (a daemon that exits when idle waits for it). */
  public synchronized boolean checkPending() {
    return pending != null;
  }

  /** update_engine's {@code FuzzInt}: uniform in {@code [v - r/2, v + r - r/2]}. */
  static long fuzz(Random random, int value, int range) {
    long low = (long) value - range / 2;
    return low + random.nextInt(range + 1);
  }

  /**
   * Starts with the first check after {@code firstDelay}, or the fuzzed 120..720 s when null; on
   * demand, only when the kept next-check time has come.
   */
  public synchronized void start(Duration firstDelay) {
    Duration d = firstDelay != null ? firstDelay : Duration.ofSeconds(fuzz(random, FIRST, FUZZ));
    if (onDemand != null) {
      long due = onDemand.nextCheckDue().orElse(0);
      long now = clock.instant().getEpochSecond();
      if (due - now > LATEST) {
        // Kept by a daemon whose clock was wrong (or by hand): no interval this scheduler sets
        // is that long, and trusting it would stop checks for good.
        LOG.warn("the kept next-check time is {} s from now, more than any check interval;"
            + " checking as after a fresh start", due - now);
      } else if (now < due) {
        LOG.info("next update check due in {} s; the timer or a D-Bus call starts it", due - now);
        return;
      }
    }
    schedule(d);
  }

  /** The next interval given what the last check said. */
  synchronized Duration nextInterval(int lastHttpStatus, OptionalInt pollInterval) {
    int interval;
    int fuzz;
    if (lastHttpStatus == 500 || lastHttpStatus == 503) {
      interval = Math.min(2 * lastInterval, MAX_BACKOFF);
      fuzz = interval / 2;
    } else if (pollInterval.isPresent() && pollInterval.getAsInt() > 0) {
      interval = Math.min(pollInterval.getAsInt(), MAX_POLL);
      fuzz = interval / 2;
    } else {
      interval = PERIOD;
      fuzz = FUZZ;
    }
    if (interval < PERIOD) {
      interval = PERIOD;
      fuzz = FUZZ;
    }
    lastInterval = interval;
    return Duration.ofSeconds(fuzz(random, interval, fuzz));
  }

  private synchronized void schedule(Duration d) {
    if (pending != null) {
      pending.cancel();
      pending = null;
    }
    if (onDemand != null && attemptsEnded > 0) {
      try {
        onDemand.scheduled(clock.instant().getEpochSecond() + d.toSeconds(), lastInterval);
      } catch (java.io.IOException e) {
        LOG.warn("cannot keep when the next check is due: {}", e.getMessage());
      }
      LOG.info("next update check in {} s", d.toSeconds());
      return;
    }
    LOG.info("next update check in {} s", d.toSeconds());
    pending = timers.schedule(d, this::fire);
  }

  private void fire() {
    synchronized (this) {
      pending = null;
    }
    attempter.attemptUpdate(false); // an attempt, a re-staging one, or a ping: each ends here
  }

  /**
   * An attempt ended (the attempter tells its end listeners): schedules the next check from what
   * it learnt. The server's {@code PollInterval} holds until it answers again.
   */
  public void attemptEnded(AttemptEnded ended) {
    Duration next;
    synchronized (this) {
      attemptsEnded++;
      if (ended.answered()) {
        lastPoll = ended.pollInterval();
      }
      next = nextInterval(ended.httpStatus(), lastPoll);
    }
    schedule(next);
  }
}
