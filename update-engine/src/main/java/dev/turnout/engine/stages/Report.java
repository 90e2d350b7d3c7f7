package dev.turnout.engine.stages;

import dev.turnout.engine.stages.InstallPlan;
import dev.turnout.engine.state.ResumeStore;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import dev.turnout.payload.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The update is installed and the target is the next boot: leave the traces other components read.
 * {@code /run/reboot-required} for kured, the marker {@code /run/update_engine_autoupdate_completed}
 * (so a restarted daemon knows a reboot is pending and never marks the old slot good),
 * {@code previous-version} = the running version (the next check reports it as 3/2), and the
 * resume state cleared.
 */
public final class ReportComplete implements Stage {
  private final SystemPaths paths;
  private final Prefs prefs;
  private final ResumeStore resume;

  public ReportComplete(SystemPaths paths, Prefs prefs, ResumeStore resume) {
    this.paths = paths;
    this.prefs = prefs;
    this.resume = resume;
  }

  /** The marker a restarted daemon reads to start in UPDATED_NEED_REBOOT. */
  public static Path marker(SystemPaths paths) {
    return paths.resolve("/run/update_engine_autoupdate_completed");
  }

  @Override
  public String describe(InstallPlan plan) {
    return "recording the finished update";
  }

  @Override
  public InstallPlan run(InstallPlan plan) throws UpdateException {
    try {
      touch(paths.resolve("/run/reboot-required"));
      touch(marker(paths));
      prefs.setLong("delta-update-failures", 0);
      prefs.setString(PrefKeys.PREVIOUS_VERSION, plan.params().version());
      resume.reset("");
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.POSTINSTALL_RUNNER_ERROR, e.getMessage(), e);
    }
    return plan;
  }

  private static void touch(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    if (!Files.exists(p)) {
      Files.createFile(p);
    }
  }
}
