package dev.turnout.engine;

import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This boot's health gate: systemd's {@code boot-complete.target}. Any unit an operator declares
 * {@code RequiredBy=boot-complete.target} (and {@code Before=}) is a health check of the boot;
 * {@code turnout-boot-complete.service}, shipped with Turnout and ordered after the target, tells
 * the engine whether the target was reached ({@code update_engine_client -boot_complete}) or not
 * ({@code -boot_failed}). The booted slot is marked good only once the gate passed; the gate
 * fails too when nothing is heard within {@code HEALTH_TIMEOUT_SEC} of the first daemon of the
 * boot starting to wait (a health unit that hangs).
 *
 * <p>The gate is on when systemd runs the machine and the unit is installed; elsewhere (a
 * container without systemd, the demo) it is off and marking is as before: after the delay, or
 * before the first update check.
 */
final class BootGate {
  private static final Logger LOG = LoggerFactory.getLogger(BootGate.class);
  /** The unit that reports the target's outcome. */
  public static final String UNIT = "turnout-boot-complete.service";

  /** Where the gate stands. */
  public enum State { OFF, WAITING, PASSED, FAILED }

  private final SystemPaths paths;
  private final AttemptRecord record;
  private final Clock clock;
  private final Duration timeout;
  private final List<Runnable> onPassed = new CopyOnWriteArrayList<>();
  private final List<Consumer<String>> onFailed = new CopyOnWriteArrayList<>();
  private State state;

  public BootGate(SystemPaths paths, AttemptRecord record, Clock clock, Duration timeout) {
    this.paths = paths;
    this.record = record;
    this.clock = clock;
    this.timeout = timeout;
    this.state = enabled(paths) ? State.WAITING : State.OFF;
    if (state == State.WAITING) {
      // What an earlier daemon of this boot heard: not waited for, nor reported, again.
      state = record.healthResult(paths.bootId())
          .map(passed -> passed ? State.PASSED : State.FAILED).orElse(State.WAITING);
      if (state != State.WAITING) {
        LOG.info("this boot's health checks {} earlier; kept as they were",
            state == State.PASSED ? "passed" : "failed");
      }
    }
  }

  /** Whether systemd runs this machine and the unit that reports the target is installed. */
  static boolean enabled(SystemPaths paths) {
    return Files.isDirectory(paths.resolve("/run/systemd/system"))
        && (Files.exists(paths.resolve("/usr/lib/systemd/system/" + UNIT))
            || Files.exists(paths.resolve("/etc/systemd/system/" + UNIT)));
  }

  public synchronized State state() {
    return state;
  }

  /** {@code r} runs (on the caller's thread) when the gate passes. */
  public void onPassed(Runnable r) {
    onPassed.add(r);
  }

  /** {@code c} hears why, when the gate fails. */
  public void onFailed(Consumer<String> c) {
    onFailed.add(c);
  }

  /** Starts the timeout, counted from when the boot's first daemon began waiting. */
  public void start(Timers timers) {
    if (state() != State.WAITING) {
      return;
    }
    long now = clock.instant().getEpochSecond();
    long left = record.healthWaitSince(paths.bootId(), now) + timeout.toSeconds() - now;
    String why = "boot-complete.target was not reached within " + timeout.toSeconds()
        + " s (HEALTH_TIMEOUT_SEC)";
    if (left <= 0) {
      failed(why);
      return;
    }
    LOG.info("waiting up to {} s for boot-complete.target before the booted slot is marked good",
        left);
    timers.schedule(Duration.ofSeconds(left), () -> failed(why));
  }

  /** {@code boot-complete.target} was reached. */
  public void passed() {
    synchronized (this) {
      if (state != State.WAITING) {
        return;
      }
      state = State.PASSED;
    }
    LOG.info("boot-complete.target reached: this boot's health checks passed");
    keep(true);
    onPassed.forEach(Runnable::run);
  }

  /** The target was not reached: {@code why} says what failed. */
  public void failed(String why) {
    synchronized (this) {
      if (state != State.WAITING) {
        return;
      }
      state = State.FAILED;
    }
    LOG.error("this boot did not prove healthy: {}", why);
    keep(false);
    onFailed.forEach(c -> c.accept(why));
  }

  private void keep(boolean passed) {
    try {
      record.healthResult(paths.bootId(), passed);
    } catch (java.io.IOException e) {
      LOG.warn("cannot keep what this boot's health checks came to: {}", e.getMessage());
    }
  }
}
