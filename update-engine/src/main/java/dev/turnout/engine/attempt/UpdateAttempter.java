package dev.turnout.engine.attempt;

import dev.turnout.engine.boot.BootMarker;
import dev.turnout.engine.stages.InstallPlan;
import dev.turnout.engine.state.PayloadState;
import dev.turnout.engine.state.ResumeStore;
import dev.turnout.engine.state.RollbackGuard;
import dev.turnout.engine.status.EngineStatus;
import dev.turnout.engine.status.StatusListener;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.engine.status.UpdateStatus;
import dev.turnout.engine.system.SystemPaths;

import dev.turnout.engine.omaha.OmahaClient;
import dev.turnout.engine.omaha.OmahaEvent;
import dev.turnout.engine.omaha.OmahaException;
import dev.turnout.engine.omaha.OmahaParams;
import dev.turnout.engine.omaha.OmahaParamsLoader;
import dev.turnout.engine.omaha.OmahaRequest;
import dev.turnout.engine.omaha.OmahaResponse;
import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import dev.turnout.engine.stages.DownloadAndApply;
import dev.turnout.engine.stages.MarkTargetUnbootable;
import dev.turnout.engine.stages.PlanUpdate;
import dev.turnout.engine.stages.Postinstall;
import dev.turnout.engine.stages.ReportComplete;
import dev.turnout.engine.stages.SetActive;
import dev.turnout.engine.stages.Stage;
import dev.turnout.engine.stages.VerifyPartition;
import dev.turnout.payload.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The A/B safety protocol, top to bottom. An update runs on one worker thread as an ordered list of
 * stages, and the order is the argument: the target leaves the boot rotation before it is written;
 * it is written and the payload verified (size, hash, signature); the partition is read back and
 * checked; postinstall runs; only then is it made the next boot. Any failure reports an Omaha error
 * event and goes back to IDLE with the target still unbootable.
 */
public final class UpdateAttempter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(UpdateAttempter.class);

  /** The pieces an attempt needs; built once by the {@link Daemon}. */
  public record Parts(SystemPaths paths, Prefs prefs, OmahaParamsLoader params, OmahaClient omaha,
      PayloadState payloadState, ResumeStore resume, PlanUpdate plan, Postinstall postinstall,
      BootMarker bootMarker, RollbackGuard rollbacks, Clock clock) {}

  private final Parts parts;
  private final List<Stage> afterDownload;
  private final Stage markUnbootable = new MarkTargetUnbootable();
  private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "update-attempter");
    t.setDaemon(true);
    return t;
  });
  private DownloadAndApply download;
  private EngineStatus status;
  private long lastNotifiedMillis;
  private double lastNotifiedProgress;
  private volatile int lastHttpStatus;
  private volatile java.util.OptionalInt lastPollInterval = java.util.OptionalInt.empty();

  public UpdateAttempter(Parts parts) {
    this.parts = parts;
    this.afterDownload = List.of(new VerifyPartition(), parts.postinstall(), new SetActive(),
        new ReportComplete(parts.paths(), parts.prefs(), parts.resume()));
    this.status = Files.exists(ReportComplete.marker(parts.paths()))
        ? EngineStatus.idle(0).with(UpdateStatus.UPDATED_NEED_REBOOT) : EngineStatus.idle(0);
  }

  /** The download stage needs the attempter as its listener; the daemon wires it in here. */
  public void setDownload(DownloadAndApply download) {
    this.download = download;
  }

  public DownloadAndApply.Listener downloadListener() {
    return new DownloadAndApply.Listener() {
      @Override
      public void started(InstallPlan plan) {
        sendEvent(plan, OmahaEvent.downloadStarted());
      }

      @Override
      public void progress(long bytes, long total) {
        onProgress(bytes, total);
      }

      @Override
      public void finished(InstallPlan plan) {
        sendEvent(plan, OmahaEvent.downloadFinished());
        EngineStatus s = status();
        set(new EngineStatus(s.lastCheckedTime(), 0.0, UpdateStatus.FINALIZING, s.newVersion(),
            s.newSize()));
      }
    };
  }

  public void addListener(StatusListener l) {
    listeners.add(l);
  }

  public synchronized EngineStatus status() {
    return status;
  }

  /** The HTTP status of the last failed check (500 and 503 make the scheduler back off). */
  public int lastHttpStatus() {
    return lastHttpStatus;
  }

  public java.util.OptionalInt lastPollInterval() {
    return lastPollInterval;
  }

  /**
   * D-Bus {@code AttemptUpdate} or the scheduler: starts a check when IDLE (and says so at once);
   * in UPDATED_NEED_REBOOT a scheduled check only pings; otherwise nothing happens.
   *
   * @return whether a check or ping was started
   */
  public boolean attemptUpdate(boolean interactive) {
    synchronized (this) {
      if (status.operation() == UpdateStatus.UPDATED_NEED_REBOOT && !interactive) {
        worker.execute(this::ping);
        return true;
      }
      if (status.operation() != UpdateStatus.IDLE) {
        return false;
      }
    }
    set(status().with(UpdateStatus.CHECKING_FOR_UPDATE));
    worker.execute(() -> check(interactive));
    return true;
  }

  /**
   * D-Bus {@code ResetStatus}: from IDLE nothing; from UPDATED_NEED_REBOOT back to IDLE with the
   * marker removed (no signal, partition table untouched, as update_engine); otherwise refused.
   */
  public synchronized boolean resetStatus() {
    switch (status.operation()) {
      case IDLE -> {
        return true;
      }
      case UPDATED_NEED_REBOOT -> {
        try {
          Files.deleteIfExists(ReportComplete.marker(parts.paths()));
        } catch (IOException e) {
          LOG.warn("cannot remove {}: {}", ReportComplete.marker(parts.paths()), e.getMessage());
          return false;
        }
        status = EngineStatus.idle(status.lastCheckedTime());
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private void ping() {
    try {
      OmahaParams p = parts.params().load();
      if (p.checksEnabled()) {
        parts.omaha().send(p.server(), OmahaRequest.ping(p, false));
      }
    } catch (IOException e) {
      LOG.warn("ping failed: {}", e.getMessage());
    }
  }

  private void check(boolean interactive) {
    OmahaParams params;
    try {
      params = parts.params().load();
    } catch (IOException e) {
      LOG.error("cannot read the update configuration: {}", e.getMessage());
      set(EngineStatus.idle(status().lastCheckedTime()));
      return;
    }
    if (!params.checksEnabled()) {
      LOG.info("update checks are disabled (SERVER={})", params.server());
      set(EngineStatus.idle(status().lastCheckedTime()));
      return;
    }
    parts.bootMarker().markBeforeCheck();
    InstallPlan plan = InstallPlan.start(interactive, params);
    OmahaResponse response;
    try {
      String prev = parts.prefs().getString(PrefKeys.PREVIOUS_VERSION).orElse(null);
      if (prev != null && !prev.isEmpty() && prev.equals(params.version())) {
        parts.rollbacks().rolledBack(params.version());
      }
      String request = OmahaRequest.updateCheck(params, interactive, prev);
      parts.prefs().setString(PrefKeys.PREVIOUS_VERSION, "");
      LOG.info("Posting an Omaha request to {}", params.server());
      response = parts.omaha().updateCheck(params.server(), request);
      LOG.info("Omaha request response: {}", response.rawXml().replace("\n", ""));
      parts.prefs().setString(PrefKeys.FULL_RESPONSE, response.rawXml());
      lastHttpStatus = 0;
      lastPollInterval = response.pollInterval();
    } catch (OmahaException e) {
      lastHttpStatus = e.code() >= 2000 ? e.code() - 2000 : 0;
      fail(plan, new UpdateException(e.code(), "update check: " + e.getMessage(), e));
      return;
    } catch (IOException e) {
      fail(plan, new UpdateException(ErrorCode.OMAHA_REQUEST_ERROR, e.getMessage(), e));
      return;
    }
    long now = parts.clock().instant().getEpochSecond();
    if (!response.updateAvailable()) {
      LOG.info("No update.");
      set(EngineStatus.idle(now));
      return;
    }
    set(new EngineStatus(now, 0.0, UpdateStatus.CHECKING_FOR_UPDATE, EngineStatus.NO_VERSION, 0));
    try {
      java.util.Optional<String> refusal = parts.rollbacks().refusal(response.version());
      if (refusal.isPresent()) {
        fail(plan.withResponse(response), new UpdateException(
            ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY, refusal.get(), null));
        return;
      }
    } catch (IOException e) {
      LOG.warn("cannot read the rollback record: {}", e.getMessage());
    }
    update(plan.withResponse(response));
  }

  /** The pipeline, in its safety order. */
  private void update(InstallPlan start) {
    InstallPlan plan = start;
    Stage current = parts.plan();
    try {
      plan = run(current, plan);
      EngineStatus s = status();
      set(new EngineStatus(s.lastCheckedTime(), 0.0, UpdateStatus.UPDATE_AVAILABLE,
          plan.response().version(), plan.response().size()));
      LOG.info("update to {} available: {} bytes for {} (booted from {})",
          plan.response().version(), plan.response().size(), plan.slot().targetDevice(),
          plan.slot().bootedDevice());
      current = markUnbootable;
      plan = run(current, plan);
      current = download;
      plan = run(current, plan);
      parts.payloadState().downloadComplete();
      for (Stage stage : afterDownload) {
        current = stage;
        plan = run(stage, plan);
      }
    } catch (UpdateException e) {
      fail(plan, e.in(current.describe(plan)));
      return;
    } catch (IOException e) {
      fail(plan, new UpdateException(ErrorCode.ERROR, e.getMessage(), e));
      return;
    }
    try {
      parts.rollbacks().installed(plan.response().version());
    } catch (IOException e) {
      LOG.warn("cannot record the installed version: {}", e.getMessage());
    }
    sendEvent(plan, OmahaEvent.installComplete());
    EngineStatus s = status();
    set(new EngineStatus(s.lastCheckedTime(), 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
        plan.response().version(), plan.response().size()));
    LOG.info("update to {} installed in {}; reboot to use it", plan.response().version(),
        plan.slot().targetDevice());
  }

  private InstallPlan run(Stage stage, InstallPlan plan) throws UpdateException {
    LOG.info("{}", stage.describe(plan));
    return stage.run(plan);
  }

  private void fail(InstallPlan plan, UpdateException e) {
    int code = e.code();
    LOG.error("update failed with error {}: {}", code, e.getMessage());
    set(status().with(UpdateStatus.REPORTING_ERROR_EVENT));
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
    sendEvent(plan, OmahaEvent.error(code | flags));
    try {
      parts.payloadState().updateFailed(code);
      boolean transfer = code == ErrorCode.DOWNLOAD_TRANSFER_ERROR.code || code >= 2000;
      if (plan.response() != null && !transfer) {
        parts.resume().reset(plan.response().sha256());
      }
    } catch (IOException io) {
      LOG.warn("cannot record the failure: {}", io.getMessage());
    }
    set(EngineStatus.idle(status().lastCheckedTime()));
  }

  private void sendEvent(InstallPlan plan, OmahaEvent event) {
    try {
      parts.omaha().send(plan.params().server(),
          OmahaRequest.event(plan.params(), plan.interactive(), event));
    } catch (IOException e) {
      LOG.warn("could not report event {}/{}: {}", event.type(), event.result(), e.getMessage());
    }
  }

  /** DOWNLOADING, with a signal on each 1 % of progress, every 10 s, and at 100 %. */
  private void onProgress(long bytes, long total) {
    EngineStatus s = status();
    if (bytes > 0 && s.operation() != UpdateStatus.DOWNLOADING) {
      // The first bytes of an attempt: the URL works, its failure count starts over. Once per
      // attempt, not per chunk: this is the payload's hot path.
      try {
        parts.payloadState().downloadProgress();
      } catch (IOException e) {
        LOG.warn("cannot record progress: {}", e.getMessage());
      }
    }
    double progress = total > 0 ? Math.min(1.0, (double) bytes / total) : 0.0;
    long now = parts.clock().millis();
    boolean notify = s.operation() != UpdateStatus.DOWNLOADING
        || progress - lastNotifiedProgress >= 0.01 || now - lastNotifiedMillis >= 10_000
        || (progress >= 1.0 && lastNotifiedProgress < 1.0);
    EngineStatus next = new EngineStatus(s.lastCheckedTime(), progress, UpdateStatus.DOWNLOADING,
        s.newVersion(), s.newSize());
    synchronized (this) {
      status = next;
    }
    if (notify) {
      lastNotifiedProgress = progress;
      lastNotifiedMillis = now;
      for (StatusListener l : listeners) {
        l.statusChanged(next);
      }
    }
  }

  private void set(EngineStatus s) {
    synchronized (this) {
      status = s;
    }
    lastNotifiedProgress = s.progress();
    lastNotifiedMillis = parts.clock().millis();
    for (StatusListener l : listeners) {
      l.statusChanged(s);
    }
  }

  /** Waits for the current attempt to end (for shutdown and tests). */
  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
