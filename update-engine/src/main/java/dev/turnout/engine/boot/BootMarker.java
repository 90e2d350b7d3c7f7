package dev.turnout.engine.boot;

import dev.turnout.engine.state.AttemptRecord;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.engine.system.Hooks;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.engine.system.Timers;
import dev.turnout.gpt.GptDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the booted USR partition good once the boot has proved healthy: what
 * {@code flatcar-setgoodroot} does (repair; successful=1 tries=0; prioritize), {@code delay} after
 * start (45 s, as update_engine), or before the first update check if that comes sooner. Turnout
 * first runs the executables in {@code /etc/turnout/health.d/} and {@code /usr/lib/turnout/health.d/}:
 * all must exit 0, else the partition is left unmarked and the bootloader's fallback does its job.
 * Never when the completion marker says an installed update awaits its reboot (in the boot that
 * installed it): that would take priority back from the new partition.
 *
 * <p>Once per boot: the boot ID of the marking is kept in prefs, so a daemon started again in the
 * same boot (D-Bus activation, the timer, a restart) neither writes the GPT again nor undoes what
 * an operator changed since, such as a manual rollback with {@code cgpt prioritize}; it has
 * nothing to wait for either. The record keeps the boot ID ({@link AttemptRecord#bootedGood}).
 */
public final class BootMarker {
  private static final Logger LOG = LoggerFactory.getLogger(BootMarker.class);

  private final SystemPaths paths;
  private final BootSlots slots;
  private final Disks disks;
  private final Hooks hooks;
  private final AttemptRecord record;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile Runnable afterMarking = () -> { };

  public BootMarker(SystemPaths paths, BootSlots slots, Disks disks, Hooks hooks,
      AttemptRecord record) {
    this.paths = paths;
    this.slots = slots;
    this.disks = disks;
    this.hooks = hooks;
    this.record = record;
  }

  /**
   * Schedules the marking {@code delay} after start; settled at once when this boot was marked
   * already.
   */
  public void start(Timers timers, Duration delay) {
    if (markedThisBoot()) {
      LOG.info("the booted partition was marked good earlier in this boot; the partition table"
          + " is left as it is");
      done.set(true);
      return;
    }
    timers.schedule(delay, this::markNow);
  }

  /** {@code r} runs after each marking that changed the partition table. */
  public void afterMarking(Runnable r) {
    this.afterMarking = r;
  }

  /** Whether the marking has run (or was never to run); until then the daemon stays. */
  public boolean settled() {
    return done.get();
  }

  /** Runs once per daemon: health checks, then markGood; returns whether it marked. */
  public boolean markNow() {
    if (!done.compareAndSet(false, true) || markedThisBoot()) {
      return false;
    }
    if (awaitingReboot()) {
      LOG.info("an installed update awaits a reboot; not marking the booted partition good");
      return false;
    }
    try {
      Hooks.Failure f = hooks.runAll(List.of(paths.resolve("/etc/turnout/health.d"),
          paths.resolve("/usr/lib/turnout/health.d")), List.of());
      if (f != null) {
        LOG.warn("health check {} exited {}; the booted partition is NOT marked good, so the boot"
            + " loader will fall back if this boot does not succeed", f.hook(), f.exitCode());
        return false;
      }
      BootSlot slot = slots.find();
      try (GptDisk disk = disks.gpt(slot.disk(), true)) {
        disk.markGood(slot.booted().number());
      }
      record.bootedGood(paths.bootId());
      LOG.info("marked {} ({}) good: successful=1 tries=0, highest priority",
          slot.bootedDevice(), slot.booted().label());
      afterMarking.run();
      return true;
    } catch (KernelBootSlots.UntrustedBootSlotException e) {
      LOG.error("not marking anything good: {}", e.getMessage());
      done.set(false); // looked at again before every update check
      return false;
    } catch (IOException | UpdateException e) {
      LOG.warn("could not mark the booted partition good: {}", e.getMessage());
      return false;
    }
  }

  /** Whether this boot's partition was marked good already (by this daemon or an earlier one). */
  private boolean markedThisBoot() {
    try {
      return markedGoodThisBoot(paths, record);
    } catch (IOException e) {
      LOG.warn("cannot read when the booted partition was last marked good: {}", e.getMessage());
      return false;
    }
  }

  /**
   * Whether the engine has marked this boot's slot good: the boot ID it keeps at the marking is
   * this boot's. What a reboot coordinator waits for before it releases its lock.
   */
  public static boolean markedGoodThisBoot(SystemPaths paths, AttemptRecord record)
      throws IOException {
    return record.markedGood(paths.bootId());
  }

  private boolean awaitingReboot() {
    return record.awaitingReboot(paths.updateCompletedMarker(), paths.bootId());
  }
}
