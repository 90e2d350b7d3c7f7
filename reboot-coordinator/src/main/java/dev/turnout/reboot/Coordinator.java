package dev.turnout.reboot;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of the reboot coordinator, as locksmithd's cycle with Flatcar#408 fixed:
 *
 * <ol>
 *   <li>a lock this machine took in an earlier boot is released once the engine has marked this
 *       boot good, whatever the window, and never before (a new slot that fails falls back, and
 *       the old, good boot releases it);</li>
 *   <li>when the engine says {@code UPDATE_STATUS_UPDATED_NEED_REBOOT}: wait for the window, take
 *       the lock (retried with backoff, 5 s to 5 min: never a reboot without it), tell logged-in
 *       users and give them 5 minutes, ask logind to reboot;</li>
 *   <li>otherwise, nothing to do: the run ends (the coordinator costs nothing while idle; a
 *       systemd path unit starts it when an update awaits its reboot).</li>
 * </ol>
 */
final class Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);
  static final String NEED_REBOOT = "UPDATE_STATUS_UPDATED_NEED_REBOOT";
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);
  static final Duration LOGIN_DELAY = Duration.ofMinutes(5);
  static final Duration HEALTH_POLL = Duration.ofSeconds(5);

  /** The update engine, over D-Bus. */
  interface Engine {
    String currentOperation() throws IOException;

    /** Waits for a StatusUpdate signal saying NEED_REBOOT (locksmithd's {@code --wait} mode). */
    void awaitNeedReboot() throws IOException, InterruptedException;
  }

  /** logind's Reboot. */
  interface Rebooter {
    void reboot() throws IOException;
  }

  /** Whether the engine has marked this boot's slot good. */
  interface BootHealth {
    boolean bootedGood() throws IOException;
  }

  /** Writes to every logged-in terminal; returns how many it reached. */
  interface Broadcaster {
    int broadcast(String message);
  }

  /** Sleeps (interruptibly): the real clock, or a test's. */
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  /** The seams of one run. */
  record Parts(CoordinatorConfig config, RebootLock lock, String id, Engine engine,
      Rebooter rebooter, BootHealth health, Broadcaster users, Sleeper sleeper, Clock clock,
      StateFile state, LockRecord record, String bootId) {}

  private final Parts p;

  Coordinator(Parts parts) {
    this.p = parts;
  }

  /** The whole run; returns when there is nothing (more) to do, or after asking for the reboot. */
  Outcome run(boolean waitForSignal) throws IOException, InterruptedException {
    CoordinatorConfig c = p.config();
    if (c.strategy() == CoordinatorConfig.Strategy.OFF) {
      LOG.info("Reboot strategy is \"off\" - turnout-rebootd is exiting.");
      p.state().update("disabled", null);
      return Outcome.DISABLED;
    }
    p.state().update("running", null);
    if (p.lock() != null) {
      releaseFromEarlierBoot();
    }
    String op = p.engine().currentOperation();
    LOG.info("starting currentOperation=\"{}\" strategy=\"{}\"", op, c.strategy().word);
    if (!NEED_REBOOT.equals(op)) {
      if (!waitForSignal) {
        LOG.info("no update awaits a reboot: nothing to do");
        return Outcome.NOTHING;
      }
      p.engine().awaitNeedReboot();
    }
    p.state().update("reboot-planned", null);
    waitForWindow();
    if (p.lock() != null) {
      takeLock();
    }
    rebootNow();
    return Outcome.REBOOT_REQUESTED;
  }

  /** What a run came to. */
  enum Outcome { DISABLED, NOTHING, REBOOT_REQUESTED }

  /**
   * A lock taken in another boot is this machine's to give back once the boot is good. One
   * taken in this boot (the coordinator restarted before the reboot) is kept for that reboot.
   */
  private void releaseFromEarlierBoot() throws IOException, InterruptedException {
    Optional<LockRecord.Held> held = p.record().read();
    if (held.isPresent() && held.get().bootId().equals(p.bootId())) {
      LOG.info("this machine took the reboot lock in this boot, at {}; keeping it for the"
          + " reboot", held.get().since());
      return;
    }
    boolean ours = held.isPresent() || p.lock().holds(p.id()).orElse(true);
    if (!ours) {
      return;
    }
    held.ifPresent(h -> {
      try {
        p.state().update("running", h.since());
      } catch (IOException e) {
        LOG.warn("cannot write the state file: {}", e.getMessage());
      }
    });
    Duration wait = FIRST_RETRY;
    while (true) {
      try {
        if (p.health().bootedGood()) {
          unlock();
          p.record().clear();
          p.state().lockReleased();
          LOG.info("this boot is good: released the reboot lock held since an earlier boot");
          return;
        }
        LOG.info("holding the reboot lock from an earlier boot until the engine marks this"
            + " boot good");
        p.sleeper().sleep(HEALTH_POLL);
        continue;
      } catch (IOException | LockException e) {
        LOG.warn("releasing the reboot lock: {}; retrying in {} s", e.getMessage(),
            wait.toSeconds());
      }
      p.sleeper().sleep(wait);
      wait = next(wait);
    }
  }

  private void unlock() throws IOException, LockException {
    try {
      p.lock().unlock(p.id());
    } catch (LockException e) {
      if (e.kind() != LockException.Kind.NOT_HELD) {
        throw e;
      }
    }
  }

  private void waitForWindow() throws InterruptedException {
    Optional<RebootWindow> w = p.config().window();
    if (w.isEmpty()) {
      return;
    }
    Duration d = w.get().untilOpen(ZonedDateTime.now(p.clock()));
    if (!d.isZero()) {
      LOG.info("Waiting for {} to reboot (window {}).", d, w.get());
      p.sleeper().sleep(d);
    }
  }

  private void takeLock() throws IOException, InterruptedException {
    Duration wait = FIRST_RETRY;
    while (true) {
      try {
        p.lock().lock(p.id());
        break;
      } catch (LockException e) {
        if (e.kind() == LockException.Kind.HELD) {
          break;
        }
        LOG.warn("Failed to acquire lock: {}. Retrying in {}.", e.getMessage(), wait);
      } catch (IOException e) {
        LOG.warn("Failed to acquire lock: {}. Retrying in {}.", e.getMessage(), wait);
      }
      p.sleeper().sleep(wait);
      wait = next(wait);
      waitForWindow(); // the window may have closed while waiting
    }
    p.record().write(new LockRecord.Held(p.bootId(), p.clock().instant()));
    p.state().update("reboot-planned", p.clock().instant());
    LOG.info("took the reboot lock as {}", p.id());
  }

  private void rebootNow() throws IOException, InterruptedException {
    long minutes = LOGIN_DELAY.toMinutes();
    int lines = p.users().broadcast("System reboot in " + minutes + " minutes!");
    if (lines != 0) {
      LOG.info("Logins detected, delaying reboot for {} minutes.", minutes);
      p.sleeper().sleep(LOGIN_DELAY);
    }
    p.rebooter().reboot();
    p.state().update("rebooting", null);
    LOG.info("Reboot sent.");
  }

  private static Duration next(Duration d) {
    Duration n = d.multipliedBy(2);
    return n.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : n;
  }
}
