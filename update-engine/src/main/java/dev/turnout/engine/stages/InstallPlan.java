package dev.turnout.engine.stages;

import dev.turnout.engine.boot.BootSlot;

import dev.turnout.engine.omaha.OmahaParams;
import dev.turnout.engine.omaha.OmahaResponse;
import dev.turnout.payload.Checkpoint;
import dev.turnout.payload.PayloadResult;
import java.nio.file.Path;

/**
 * What one update attempt knows, enriched stage by stage: the request parameters, the server's
 * answer, the slots, where the kernel goes, whether the download resumes, and the verdict on the
 * payload once applied.
 *
 * @param resumeFrom the checkpoint to continue from, or null for a fresh download
 * @param result the payload's verdict, once downloaded and applied
 */
public record InstallPlan(boolean interactive, OmahaParams params, OmahaResponse response,
    BootSlot slot, Path kernelPath, Checkpoint resumeFrom, PayloadResult result) {

  public static InstallPlan start(boolean interactive, OmahaParams params) {
    return new InstallPlan(interactive, params, null, null, null, null, null);
  }

  public InstallPlan withResponse(OmahaResponse r) {
    return new InstallPlan(interactive, params, r, slot, kernelPath, resumeFrom, result);
  }

  public InstallPlan withTarget(BootSlot s, Path kernel, Checkpoint resume) {
    return new InstallPlan(interactive, params, response, s, kernel, resume, result);
  }

  public InstallPlan withResult(PayloadResult r) {
    return new InstallPlan(interactive, params, response, slot, kernelPath, resumeFrom, r);
  }

  /** Where the kernel is written before postinstall moves it into place. */
  public Path kernelStaging() {
    return kernelPath.resolveSibling(kernelPath.getFileName() + ".turnout-new");
  }

  public boolean resumed() {
    return resumeFrom != null;
  }
}
