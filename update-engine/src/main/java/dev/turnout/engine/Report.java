package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update is installed and the target is the next boot: the record keeps the install (what
 * {@code GetStatus} will say, the running version as {@code previous-version} for the next
 * check's 3/2 report, the version for the rollback guard; see {@link AttemptRecord#installed});
 * then the traces other components read: {@code /run/reboot-required} for kured, the marker
 * {@code /run/update_engine_autoupdate_completed} (so a restarted daemon knows a reboot is pending
 * and never marks the old slot good); then Omaha's event 3/1 (install complete). All is kept
 * before the event: a daemon killed while the server takes its time with it starts again saying
 * the right thing.
 */
final class Report implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(Report.class);

  private final SystemPaths paths;
  private final AttemptRecord record;

  public Report(SystemPaths paths, AttemptRecord record) {
    this.paths = paths;
    this.record = record;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "recording the finished update";
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    try {
      record.installed(new AttemptRecord.Installed(plan.response().version(),
          plan.response().size(), plan.checkedAt(), plan.params().version(),
          plan.params().bootId(), plan.slot().booted().label(), plan.slot().target().label()));
      leaveRebootTraces(paths);
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.POSTINSTALL_RUNNER_ERROR, e.getMessage(), e);
    }
    sink.event(OmahaEvent.installComplete());
    LOG.info("update to {} installed in {}; reboot to use it", plan.response().version(),
        plan.slot().targetDevice());
    return plan;
  }

  /**
   * The files that say a reboot is wanted: {@code /run/reboot-required} (kured) and the
   * completion marker (the reboot coordinator's path unit, a restarted daemon).
   */
  public static void leaveRebootTraces(SystemPaths paths) throws IOException {
    touch(paths.resolve("/run/reboot-required"));
    touch(paths.updateCompletedMarker());
  }

  private static void touch(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    if (!Files.exists(p)) {
      Files.createFile(p);
    }
  }
}
