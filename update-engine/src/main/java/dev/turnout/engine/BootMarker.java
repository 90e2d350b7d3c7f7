package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the booted USR partition good once the boot has proved healthy: what
 * {@code flatcar-setgoodroot} does (repair; successful=1 tries=0; prioritize), {@code delay} after
 * start (45 s, as update_engine), or before the first update check if that comes sooner. Healthy
 * means: this boot's {@link BootGate} passed ({@code boot-complete.target} reached, where systemd
 * runs the machine), and the executables in {@code /etc/turnout/health.d/} and
 * {@code /usr/lib/turnout/health.d/} all exit 0. Otherwise the partition is left unmarked and the
 * bootloader's fallback does its job. Never when the completion marker says an installed update
 * awaits its reboot (in the boot that installed it): that would take priority back from the new
 * partition.
 *
 * <p>When the gate fails on the first boot of a new slot (tries 0, not successful), the engine is
 * told to fall back ({@link #onFallBack}); on a slot that was good before, the failure is reported
 * and nothing is changed: there is nothing better to fall back to.
 *
 * <p>Once per boot: the record keeps the boot ID of the marking, so a daemon started again in the
 * same boot (D-Bus activation, the timer, a restart) neither writes the GPT again nor undoes what
 * an operator changed since, such as a manual rollback with {@code cgpt prioritize}.
 */
public final class BootMarker {
  private static final Logger LOG = LoggerFactory.getLogger(BootMarker.class);

  /**
   * The gate failed on a boot: {@code newSlot} when it is the first boot of a new slot, which a
   * reboot falls back from; {@code otherSlot} the label of the slot it falls back to.
   */
  public record Failure(String why, boolean newSlot, String otherSlot) {}

  private final SystemPaths paths;
  private final BootSlots slots;
  private final Disks disks;
  private final Hooks hooks;
  private final AttemptRecord record;
  private final BootGate gate;
  private final AtomicBoolean done = new AtomicBoolean();
  private volatile boolean delayPassed;
  private volatile Runnable afterMarking = () -> { };
  private volatile Consumer<Failure> onFallBack = f -> { };
  private final AtomicBoolean waitLogged = new AtomicBoolean();

  public BootMarker(SystemPaths paths, BootSlots slots, Disks disks, Hooks hooks,
      AttemptRecord record, BootGate gate) {
    this.paths = paths;
    this.slots = slots;
    this.disks = disks;
    this.hooks = hooks;
    this.record = record;
    this.gate = gate;
    gate.onPassed(this::markIfDue);
    gate.onFailed(this::gateFailed);
  }

  /** {@code r} runs after each marking that changed the partition table. */
  public void afterMarking(Runnable r) {
    this.afterMarking = r;
  }

  /** {@code c} hears of a failed gate, once per daemon. */
  public void onFallBack(Consumer<Failure> c) {
    this.onFallBack = c;
  }

  /**
   * Schedules the marking {@code delay} after start (and not before the gate passed); settled at
   * once when this boot was marked already.
   */
  public void start(Timers timers, Duration delay) {
    if (markedThisBoot()) {
      LOG.info("the booted partition was marked good earlier in this boot; the partition table"
          + " is left as it is");
      done.set(true);
      return;
    }
    timers.schedule(delay, () -> {
      delayPassed = true;
      markIfDue();
    });
    gate.start(timers);
  }

  /** Whether the marking has run (or was never to run, or the gate failed). */
  public boolean settled() {
    return done.get() || gate.state() == BootGate.State.FAILED;
  }

  private void markIfDue() {
    if (delayPassed) {
      markNow();
    }
  }

  /** Runs once per daemon, when the gate allows: health hooks, then markGood. */
  public boolean markNow() {
    switch (gate.state()) {
      case WAITING -> {
        if (waitLogged.compareAndSet(false, true)) {
          LOG.info("boot-complete.target not reached yet; the booted partition is marked good"
              + " once it is");
        }
        return false;
      }
      case FAILED -> {
        done.set(true);
        return false;
      }
      default -> { }
    }
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

  /**
   * Before an update check: marks the booted slot good if it may now, then says why no update
   * may be written, if so: while the booted slot is not marked successful, the other slot is
   * the only one known good and must not be overwritten. Empty when the check may go ahead
   * (or the slots cannot be told: the plan then fails with its own error).
   */
  public Optional<String> notReadyForUpdate() {
    markNow();
    try {
      BootSlot slot = slots.find();
      if (slot.booted().attributes().successful()) {
        return Optional.empty();
      }
      String because = switch (gate.state()) {
        case WAITING -> "boot-complete.target has not been reached yet";
        case FAILED -> "this boot failed its health checks";
        default -> "it has not passed its health checks";
      };
      return Optional.of("the booted " + slot.booted().label() + " is not marked good ("
          + because + "); no update is written over " + slot.target().label()
          + ", the last slot known good, until it is");
    } catch (UpdateException e) {
      return Optional.empty();
    }
  }

  private void gateFailed(String why) {
    try {
      BootSlot slot = slots.find();
      GptEntry booted;
      try (GptDisk disk = disks.gpt(slot.disk(), false)) {
        booted = disk.entry(slot.booted().number());
      }
      boolean newSlot = !booted.attributes().successful() && booted.attributes().tries() == 0;
      onFallBack.accept(new Failure(why, newSlot, slot.target().label()));
    } catch (UpdateException | IOException e) {
      LOG.error("cannot tell whether this boot can fall back: {}", e.getMessage());
      onFallBack.accept(new Failure(why, false, ""));
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
