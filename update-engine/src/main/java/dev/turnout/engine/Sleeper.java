package dev.turnout.engine;

import java.time.Duration;

/** Waiting in the worker thread (between download retries); a fake returns at once. */
interface Sleeper {
  /** Waits {@code d}; an interrupt (the daemon stopping) ends the wait early. */
  void sleep(Duration d) throws InterruptedException;
}
