package dev.turnout.engine.stages;

import dev.turnout.engine.omaha.OmahaEvent;
import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import dev.turnout.engine.state.ResumeStore;
import dev.turnout.engine.state.RollbackGuard;
import dev.turnout.engine.state.StatusStore;
import dev.turnout.engine.status.EngineStatus;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.engine.status.UpdateStatus;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.payload.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update is installed and the target is the next boot: leave the traces other components read.
 * {@code /run/reboot-required} for kured, the marker {@code /run/update_engine_autoupdate_completed}
 * (so a restarted daemon knows a reboot is pending and never marks the old slot good),
 * {@code previous-version} = the running version (the next check reports it as 3/2), the version
 * for the rollback guard, the resume state cleared; then Omaha's event 3/1 (install complete).
 * What {@code GetStatus} will say (the version and size awaiting the reboot) is kept before the
 * marker and before the event: a daemon killed while the server takes its time with the event
 * starts again saying the right thing.
 */
public final class Report implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(Report.class);

  private final SystemPaths paths;
  private final Prefs prefs;
  private final ResumeStore resume;
  private final RollbackGuard rollbacks;
  private final StatusStore status;

  public Report(SystemPaths paths, Prefs prefs, ResumeStore resume, RollbackGuard rollbacks,
      StatusStore status) {
    this.paths = paths;
    this.prefs = prefs;
    this.resume = resume;
    this.rollbacks = rollbacks;
    this.status = status;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "recording the finished update";
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    status.save(new EngineStatus(plan.checkedAt(), 0.0, UpdateStatus.UPDATED_NEED_REBOOT,
        plan.response().version(), plan.response().size()));
    try {
      touch(paths.resolve("/run/reboot-required"));
      touch(paths.updateCompletedMarker());
      prefs.setLong(PrefKeys.DELTA_UPDATE_FAILURES, 0);
      prefs.setString(PrefKeys.PREVIOUS_VERSION, plan.params().version());
      prefs.setString(PrefKeys.INSTALLED_BOOT_ID, plan.params().bootId());
      resume.reset("");
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.POSTINSTALL_RUNNER_ERROR, e.getMessage(), e);
    }
    try {
      rollbacks.installed(plan.response().version());
    } catch (IOException e) {
      LOG.warn("cannot record the installed version: {}", e.getMessage());
    }
    sink.event(OmahaEvent.installComplete());
    LOG.info("update to {} installed in {}; reboot to use it", plan.response().version(),
        plan.slot().targetDevice());
    return plan;
  }

  private static void touch(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    if (!Files.exists(p)) {
      Files.createFile(p);
    }
  }
}
