package dev.turnout.engine;

import java.time.Duration;

/**
 * Delayed work, so tests can run the schedule in milliseconds: the real one is a scheduled
 * executor, the fake one runs tasks when a fake clock is advanced.
 */
interface Timers {
  /** A scheduled task that may be cancelled. */
  interface Task {
    void cancel();
  }

  /** Runs {@code r} once after {@code delay}, on the timer thread. */
  Task schedule(Duration delay, Runnable r);
}
