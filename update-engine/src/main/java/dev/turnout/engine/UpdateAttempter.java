package dev.turnout.engine;

import static dev.turnout.engine.UpdateStatus.CHECKING_FOR_UPDATE;
import static dev.turnout.engine.UpdateStatus.FINALIZING;
import static dev.turnout.engine.UpdateStatus.UPDATE_AVAILABLE;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A/B safety protocol, top to bottom. An attempt runs on one worker thread as the ordered list
 * of stages below, and the order is the argument: the target leaves the boot rotation before it is
 * written; it is written and the payload verified (size, hash, signature, every operation); the
 * partition is read back and checked; the new version's extensions are put in place; postinstall
 * runs; only then is it made the next boot. Any
 * failure, of whatever kind, takes the one path of {@link #fail}: an Omaha error event, the
 * record's {@link AttemptRecord#failed}, and IDLE, with the target still unbootable. What the
 * attempt keeps is the record's business; when it ends, {@link AttemptEnded} goes to whoever
 * plans the next one.
 */
public final class UpdateAttempter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateAttempter.class);

  /** What the attempter needs besides its stages; built once by the composition root. */
  /**
   * @param downloadedBytes payload bytes received so far by this daemon (a running count)
   * @param rollback the checks and the write of a rollback by hand
   * @param rebooter reboots the machine when a failed boot falls back and no coordinator does
   */
  public record Parts(SystemPaths paths, OmahaParamsLoader params, OmahaClient omaha,
      AttemptRecord record, Clock clock, java.util.function.LongSupplier downloadedBytes,
      Rollback rollback, Rebooter rebooter) {}

  /** A stage and the status the engine shows while it runs. */
  private record Step(UpdateStatus status, Stage stage) {}

  private final List<Step> pipeline;
  private final Parts parts;
  private final StatusBoard board;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "update-attempter");
    t.setDaemon(true);
    return t;
  });
  private volatile InstallPlan current;
  private volatile boolean closing;
  private final List<Consumer<AttemptEnded>> endListeners = new CopyOnWriteArrayList<>();
  private volatile AttemptOutcome lastOutcome = AttemptOutcome.NONE;
  private volatile AttemptOutcome lastError = AttemptOutcome.NONE;
  private long attempts;
  /** Whether the current re-staging attempt gave up the staged update (worker thread only). */
  private boolean unstaged;
  private final Stage markTargetUnbootable;
  /** The running byte count when the current attempt started (worker thread only). */
  private long bytesAtStart;

  public UpdateAttempter(Stages s, Parts parts) {
    this.parts = parts;
    this.markTargetUnbootable = s.markTargetUnbootable();
    this.pipeline = List.of(
        new Step(CHECKING_FOR_UPDATE, s.configure()),
        new Step(CHECKING_FOR_UPDATE, s.check()),
        // The server offered an update: is it to be taken now, and where does it go?
        new Step(UPDATE_AVAILABLE, s.plan()),
        // Out of the boot rotation before the first byte is written.
        new Step(UPDATE_AVAILABLE, s.markTargetUnbootable()),
        // DOWNLOADING from the first byte; every operation and the signature checked on the way.
        new Step(UPDATE_AVAILABLE, s.downloadAndApply()),
        new Step(FINALIZING, s.verify()),
        // The new version's extensions in place before the switch (and before postinstall
        // consumes the staged kernel, so a failure here keeps the OS payload for the next try).
        new Step(FINALIZING, s.fetchExtensions()),
        new Step(FINALIZING, s.postinstall()),
        // The switch: only now can the bootloader pick the target.
        new Step(FINALIZING, s.setActive()),
        new Step(FINALIZING, s.pruneExtensions()),
        new Step(FINALIZING, s.report()));
    AttemptRecord record = parts.record();
    this.board = new StatusBoard(record.restore(record.awaitingReboot(
        parts.paths().updateCompletedMarker(), parts.paths().bootId())), parts.clock());
    board.addListener(record::status);
    lastError = record.lastError();
  }

  public void addListener(StatusListener l) {
    board.addListener(l);
  }

  /** {@code l} hears of every attempt that ended, just before its final status is set. */
  public void onEnded(Consumer<AttemptEnded> l) {
    endListeners.add(l);
  }

  public EngineStatus status() {
    return board.get();
  }

  /** How the last attempt ended. */
  public AttemptOutcome lastOutcome() {
    return lastOutcome;
  }

  /** The last attempt that failed, however long ago ({@link AttemptOutcome#NONE} if none did). */
  public AttemptOutcome lastError() {
    return lastError;
  }

  private synchronized AttemptOutcome outcome(AttemptOutcome.Result result, ErrorCode code,
      int wireCode, String message) {
    AttemptOutcome o = new AttemptOutcome(++attempts, result,
        parts.clock().instant().getEpochSecond(), code, wireCode, message);
    if (result == AttemptOutcome.Result.ERROR) {
      lastError = o;
    }
    lastOutcome = o;
    return o;
  }

  /**
   * The attempt is over: the news to the end listeners, then its final status. In that order, so
   * the next check is planned (and kept, for a daemon that exits when idle) before anyone can
   * see the engine idle.
   */
  private void finish(AttemptOutcome o, EngineStatus end, InstallPlan plan, int httpStatus) {
    parts.record().ended(o, parts.downloadedBytes().getAsLong() - bytesAtStart);
    OmahaResponse r = plan.response();
    tell(new AttemptEnded(o, httpStatus, r != null,
        r != null ? r.pollInterval() : java.util.OptionalInt.empty()));
    board.set(end);
  }

  /**
   * D-Bus {@code AttemptUpdate} or the scheduler: starts a check when IDLE (the move to
   * CHECKING_FOR_UPDATE is one atomic step, so two callers never both start one); in
   * UPDATED_NEED_REBOOT a scheduled check only pings; otherwise nothing happens.
   *
   * @return whether a check or ping was started
   */
  public boolean attemptUpdate(boolean interactive) {
    EngineStatus s = board.get();
    if (s.operation() == UpdateStatus.UPDATED_NEED_REBOOT) {
      if (!restages()) {
        return !interactive && submit(this::ping);
      }
      // Re-staging (Flatcar#565): the check goes on while the staged update awaits its reboot.
      InstallPlan.Staged staged = new InstallPlan.Staged(s.newVersion(), s.newSize());
      if (!board.transition(UpdateStatus.UPDATED_NEED_REBOOT, x -> x.with(CHECKING_FOR_UPDATE))) {
        return false;
      }
      if (!submit(() -> run(InstallPlan.restage(interactive, s.lastCheckedTime(), staged)))) {
        board.set(s);
        return false;
      }
      return true;
    }
    if (!board.transition(UpdateStatus.IDLE, x -> x.with(CHECKING_FOR_UPDATE))) {
      return false;
    }
    if (!submit(() -> run(InstallPlan.start(interactive, board.get().lastCheckedTime())))) {
      board.set(EngineStatus.idle(board.get().lastCheckedTime()));
      return false;
    }
    return true;
  }

  /**
   * Whether an update awaiting its reboot may be replaced by a newer one: unless
   * {@code RESTAGE=false} (Flatcar's behaviour: only pings until the reboot), and never over the
   * slot a rollback or fall back awaits its reboot into.
   */
  private boolean restages() {
    try {
      if ("false".equalsIgnoreCase(parts.params().setting("RESTAGE"))) {
        return false;
      }
    } catch (IOException e) {
      LOG.warn("cannot read RESTAGE: {}", e.getMessage());
      return false;
    }
    return !parts.record().rollbackAwaitsReboot(parts.paths().bootId());
  }

  /** The status of the update staged when a re-staging attempt began. */
  private static EngineStatus staged(InstallPlan plan, long checkedAt) {
    return new EngineStatus(checkedAt, 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
        plan.restaging().version(), plan.restaging().size());
  }

  /**
   * A re-staging attempt found a newer release: the staged one is given up before its slot is
   * touched. The traces saying a reboot is wanted go first, so a crash from here on leaves a node
   * that boots its current slot and says nothing is staged.
   */
  private void unstage(InstallPlan plan) throws IOException {
    Files.deleteIfExists(parts.paths().updateCompletedMarker());
    Files.deleteIfExists(parts.paths().resolve("/run/reboot-required"));
    unstaged = true;
    LOG.info("re-staging: {} replaces {}, staged in {}", plan.response().version(),
        plan.restaging().version(), plan.slot().target().label());
  }

  private boolean submit(Runnable r) {
    try {
      worker.execute(r);
      return true;
    } catch (RejectedExecutionException e) {
      return false; // stopping
    }
  }

  /**
   * D-Bus {@code ResetStatus}: from IDLE nothing; from UPDATED_NEED_REBOOT back to IDLE with the
   * marker removed (no signal, partition table untouched, as update_engine); otherwise refused.
   */
  public synchronized boolean resetStatus() {
    EngineStatus s = board.get();
    switch (s.operation()) {
      case IDLE -> {
        return true;
      }
      case UPDATED_NEED_REBOOT -> {
        try {
          Files.deleteIfExists(parts.paths().updateCompletedMarker());
        } catch (IOException e) {
          LOG.warn("cannot remove {}: {}", parts.paths().updateCompletedMarker(), e.getMessage());
          return false;
        }
        board.setQuietly(EngineStatus.idle(s.lastCheckedTime()));
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * A rollback by hand ({@code update_engine_client -rollback}): only from IDLE (never during an
   * attempt, nor over an update awaiting its reboot), only to a slot {@link Rollback} finds safe.
   * Done, the engine says UPDATED_NEED_REBOOT as after an install, so a reboot coordinator
   * reboots the node at a safe time and the booted slot is not marked good again meanwhile.
   *
   * @return the line the client prints
   * @throws Rollback.Refused why not, in one line
   */
  public String rollback(boolean dryRun) throws Rollback.Refused {
    EngineStatus s = board.get();
    if (s.operation() == UpdateStatus.UPDATED_NEED_REBOOT) {
      throw new Rollback.Refused("an update to " + s.newVersion() + " awaits its reboot;"
          + " update_engine_client -reset_status first (it prints how to undo the switch)");
    }
    if (s.operation() != UpdateStatus.IDLE) {
      throw new Rollback.Refused("the engine is busy (" + s.operation().wireName() + ")");
    }
    Rollback.Plan plan = parts.rollback().plan();
    String to = parts.record().slotVersion(plan.slot().target().label())
        .orElse(EngineStatus.NO_VERSION);
    String what = plan.target() + (to.equals(EngineStatus.NO_VERSION) ? ""
        : ", version " + to);
    if (dryRun) {
      return "Would roll back to " + what + (plan.alreadyNext()
          ? " (already the next boot)" : "") + "; nothing changed.";
    }
    if (!board.transition(UpdateStatus.IDLE, x -> x.with(FINALIZING))) {
      throw new Rollback.Refused("the engine is busy (" + board.get().operation().wireName()
          + ")");
    }
    String from;
    try {
      from = parts.params().load().version();
    } catch (IOException e) {
      board.set(EngineStatus.idle(s.lastCheckedTime()));
      throw new Rollback.Refused("cannot read the running version: " + e.getMessage());
    }
    try {
      parts.rollback().apply(plan);
    } catch (IOException e) {
      board.set(EngineStatus.idle(s.lastCheckedTime()));
      throw new Rollback.Refused("cannot write the partition table: " + e.getMessage());
    }
    EngineStatus end = new EngineStatus(s.lastCheckedTime(), 0.0,
        UpdateStatus.UPDATED_NEED_REBOOT, to, 0);
    try {
      parts.record().rollingBack(new AttemptRecord.RollingBack(from, to, s.lastCheckedTime(),
          parts.paths().bootId()));
      Report.leaveRebootTraces(parts.paths());
    } catch (IOException e) {
      // The table is switched already: say so, and what was not kept.
      LOG.error("rolled back to {}, but could not record it: {}", what, e.getMessage());
    }
    LOG.warn("rolled back by hand from {} to {}; it boots next", from, what);
    board.set(end);
    return "Rolled back to " + what + ": it boots next. Reboot to use it.";
  }

  /**
   * This boot failed its health gate ({@link BootMarker}): reported on the worker thread, after
   * any attempt under way, once per boot. The last error (67), the Omaha error event, an ERROR in
   * the log; and when the booted slot is new and on its first boot, the fall back: the engine
   * says UPDATED_NEED_REBOOT (the slot to come back to, as after a rollback by hand, with the
   * version left held back after the reboot), and the reboot itself is the coordinator's when
   * {@code REBOOT_STRATEGY} is {@code etcd-lock} or {@code fleetlock}, nobody's when it is
   * {@code off}, else logind's at once. The bootloader does the rest: the new slot has no tries
   * left and is not marked successful, so {@code gptprio.next} boots the previous one.
   */
  public void bootFailed(BootMarker.Failure f) {
    submit(() -> reportBootFailure(f));
  }

  private void reportBootFailure(BootMarker.Failure f) {
    String bootId = parts.paths().bootId();
    if (f.newSlot() && parts.record().fellBack(bootId)) {
      LOG.info("this boot fell back already; not again");
      return;
    }
    AttemptOutcome o = outcome(AttemptOutcome.Result.ERROR, ErrorCode.BOOT_HEALTH_FAILED,
        ErrorCode.BOOT_HEALTH_FAILED.code, f.why());
    OmahaParams p = null;
    try {
      p = parts.params().load();
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot read the configuration: {}", e.getMessage());
    }
    EngineStatus s = board.get();
    if (!f.newSlot()) {
      LOG.error("the booted slot was good before this boot, so there is nothing to fall back"
          + " to; it stays as it is");
      parts.record().failed(null, o);
      sendEvent(p, OmahaEvent.error(o.wireCode()));
      return;
    }
    String to = parts.record().slotVersion(f.otherSlot()).orElse(EngineStatus.NO_VERSION);
    LOG.error("the new slot failed its health checks on its first boot; falling back to {}{}",
        f.otherSlot(), to.equals(EngineStatus.NO_VERSION) ? "" : " (" + to + ")");
    try {
      parts.record().fallingBack(p == null ? "" : p.version(), to, s.lastCheckedTime(), bootId,
          o);
      Report.leaveRebootTraces(parts.paths());
    } catch (IOException e) {
      LOG.error("cannot record the fall back: {}", e.getMessage());
    }
    board.set(new EngineStatus(s.lastCheckedTime(), 0.0, UpdateStatus.UPDATED_NEED_REBOOT, to,
        0));
    sendEvent(p, OmahaEvent.error(o.wireCode()));
    String strategy = "";
    try {
      strategy = parts.params().setting("REBOOT_STRATEGY");
    } catch (IOException e) {
      LOG.warn("cannot read REBOOT_STRATEGY: {}", e.getMessage());
    }
    switch (strategy) {
      case "etcd-lock", "fleetlock" -> LOG.info("REBOOT_STRATEGY={}: the reboot coordinator"
          + " reboots the node under its lock", strategy);
      case "off" -> LOG.warn("REBOOT_STRATEGY=off: not rebooting; the next boot falls back to {}",
          f.otherSlot());
      default -> {
        try {
          LOG.info("asking logind to reboot now");
          parts.rebooter().reboot();
        } catch (IOException | RuntimeException e) {
          LOG.error("cannot reboot: {}; the next boot falls back to {}", e.getMessage(),
              f.otherSlot());
        }
      }
    }
  }

  /** One attempt: the pipeline, in its safety order. */
  private void run(InstallPlan start) {
    bytesAtStart = parts.downloadedBytes().getAsLong();
    unstaged = false;
    InstallPlan plan = start;
    Stage stage = null;
    try {
      for (Step step : pipeline) {
        stage = step.stage();
        if (stage == markTargetUnbootable && plan.restaging() != null) {
          unstage(plan);
        }
        enter(step.status(), plan);
        current = plan;
        LOG.info("{}", stage.describe(plan));
        plan = stage.run(plan, sink);
        current = plan;
        if (plan.ended()) {
          finish(outcome(plan.response() == null ? AttemptOutcome.Result.CHECKS_DISABLED
              : AttemptOutcome.Result.NO_UPDATE, null, 0, plan.endReason()),
              plan.restaging() != null ? staged(plan, plan.checkedAt())
                  : EngineStatus.idle(plan.checkedAt()), plan, 0);
          return;
        }
      }
      finish(outcome(AttemptOutcome.Result.UPDATED, null, 0, ""),
          new EngineStatus(plan.checkedAt(), 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
              plan.response().version(), plan.response().size()), plan, 0);
    } catch (Throwable t) {
      fail(plan, stage, t);
    }
  }

  /** Shows {@code status} for the stage about to run, with the offered version once known. */
  private void enter(UpdateStatus status, InstallPlan plan) {
    EngineStatus s = board.get();
    if (s.operation() == status || s.operation() == UpdateStatus.DOWNLOADING && status
        == UPDATE_AVAILABLE) {
      return;
    }
    if (plan.response() == null) {
      board.set(s.with(status));
    } else {
      board.set(new EngineStatus(plan.checkedAt(), 0.0, status, plan.response().version(),
          plan.response().size()));
    }
  }

  /**
   * The one failure path, for every kind of failure: an {@link UpdateException} keeps its code,
   * anything else is error 1 with its stack trace in the log. Either way the error event goes to
   * Omaha, the payload state learns of it, and the status returns to IDLE.
   */
  private void fail(InstallPlan plan, Stage stage, Throwable t) {
    UpdateException e;
    if (t instanceof UpdateException u) {
      e = stage == null ? u : u.in(describe(stage, plan));
    } else {
      LOG.error("unexpected failure in {}", describe(stage, plan), t);
      e = new UpdateException(ErrorCode.ERROR, describe(stage, plan) + ": " + t, t);
    }
    if (closing) {
      LOG.warn("attempt abandoned, the daemon is stopping: {}", e.getMessage());
      AttemptOutcome o = outcome(AttemptOutcome.Result.ERROR, e.code(), e.wireCode(),
          "abandoned, the daemon is stopping: " + e.getMessage());
      parts.record().abandoned(o);
      parts.record().ended(o, parts.downloadedBytes().getAsLong() - bytesAtStart);
      board.set(afterFailure(plan));
      return;
    }
    LOG.error("update failed with error {}: {}", e.wireCode(), e.getMessage());
    AttemptOutcome o = outcome(AttemptOutcome.Result.ERROR, e.code(), e.wireCode(),
        e.getMessage());
    parts.record().failed(plan.response(), o); // kept before the server hears of it
    board.set(board.get().with(UpdateStatus.REPORTING_ERROR_EVENT));
    if (plan.params() != null) {
      sendEvent(plan, OmahaEvent.error(e.wireCode() | errorFlags(plan)));
    }
    finish(o, afterFailure(plan), plan, e.httpStatus().orElse(0));
  }

  /** IDLE, or for a re-staging attempt that did not touch the target, the staged update. */
  private EngineStatus afterFailure(InstallPlan plan) {
    long checked = board.get().lastCheckedTime();
    return plan.restaging() != null && !unstaged ? staged(plan, checked)
        : EngineStatus.idle(checked);
  }

  private static String describe(Stage stage, InstallPlan plan) {
    try {
      return stage == null ? "the attempt" : stage.describe(plan);
    } catch (RuntimeException e) {
      return stage.getClass().getSimpleName();
    }
  }

  /** update_engine's flag bits on an error event's code. */
  private int errorFlags(InstallPlan plan) {
    int flags = 0;
    if (plan.resumed()) {
      flags |= OmahaEvent.FLAG_RESUMED;
    }
    if (Files.exists(parts.paths().resolve("/root/.dev_mode"))) {
      flags |= OmahaEvent.FLAG_DEV_MODE;
    }
    if (plan.params().nonDefaultServer()) {
      flags |= OmahaEvent.FLAG_NON_DEFAULT_SERVER;
    }
    return flags;
  }

  /** What the running stage reports: events of this attempt, download progress as status. */
  private final StageSink sink = new StageSink() {
    @Override
    public void event(OmahaEvent event) {
      sendEvent(current, event);
    }

    @Override
    public void downloaded(long bytes, long total) {
      board.progress(bytes, total);
    }
  };

  private void sendEvent(InstallPlan plan, OmahaEvent event) {
    sendEvent(plan.params(), plan.interactive(), event);
  }

  /** An event outside an attempt (a boot that failed its health checks). */
  private void sendEvent(OmahaParams p, OmahaEvent event) {
    if (p != null && p.checksEnabled()) {
      sendEvent(p, false, event);
    }
  }

  private void sendEvent(OmahaParams p, boolean interactive, OmahaEvent event) {
    try {
      parts.omaha().send(p.server(), OmahaRequest.event(p, interactive, event));
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not report event {}/{}: {}", event.type(), event.result(), e.getMessage());
    }
  }

  /**
   * In UPDATED_NEED_REBOOT without re-staging, a scheduled check only tells the server this
   * machine is alive; the end listeners hear of it as of an attempt (the next one is planned).
   */
  private void ping() {
    try {
      OmahaParams p = parts.params().load();
      if (p.checksEnabled()) {
        parts.omaha().send(p.server(), OmahaRequest.ping(p, false));
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("ping failed: {}", e.getMessage());
    }
    tell(AttemptEnded.PING);
  }

  private void tell(AttemptEnded e) {
    for (Consumer<AttemptEnded> l : endListeners) {
      try {
        l.accept(e);
      } catch (RuntimeException x) {
        LOG.warn("an end-of-attempt listener failed: {}", x.toString());
      }
    }
  }

  /** Abandons the current attempt (interrupting it) and waits for it to end. */
  @Override
  public void close() {
    close(() -> { });
  }

  /**
   * As {@link #close()}, with {@code cancelIo} run once the attempt is told to stop: it cancels
   * what the attempt may be blocked on (an HTTP call to a slow server), so a stop never waits on
   * the network.
   */
  public void close(Runnable cancelIo) {
    closing = true;
    worker.shutdownNow();
    cancelIo.run();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
