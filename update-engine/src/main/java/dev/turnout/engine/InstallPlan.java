package dev.turnout.engine;

import dev.turnout.payload.Checkpoint;
import dev.turnout.payload.PayloadResult;
import java.nio.file.Path;

/**
 * What one update attempt knows, enriched stage by stage: the request parameters, the server's
 * answer and when it came, the slots, where the kernel goes, whether the download resumes, and the
 * verdict on the payload once applied; and whether the attempt ends here without an error (checks
 * disabled, no update).
 *
 * @param params null until the check stage read the configuration
 * @param checkedAt unix seconds of the last successful update check, carried into the status
 * @param payloadUrl the URL the payload is downloaded from, once planned
 * @param resumeFrom the checkpoint to continue from, or null for a fresh download
 * @param result the payload's verdict, once downloaded and applied
 * @param ended true when nothing more is to be done in this attempt
 * @param endReason why it ended early, for the status (checks disabled); empty otherwise
 * @param restaging the update staged when this attempt began (it looks for a newer one), or null
 */
record InstallPlan(boolean interactive, OmahaParams params, OmahaResponse response,
    long checkedAt, BootSlot slot, Path kernelPath, String payloadUrl, Checkpoint resumeFrom,
    PayloadResult result, boolean ended, String endReason, Staged restaging) {

  /** An installed update awaiting its reboot: its version and payload size. */
  public record Staged(String version, long size) {}

  public static InstallPlan start(boolean interactive, long lastChecked) {
    return new InstallPlan(interactive, null, null, lastChecked, null, null, null, null, null,
        false, "", null);
  }

  /** An attempt that looks for a release newer than {@code staged}, which awaits its reboot. */
  public static InstallPlan restage(boolean interactive, long lastChecked, Staged staged) {
    return new InstallPlan(interactive, null, null, lastChecked, null, null, null, null, null,
        false, "", staged);
  }

  public InstallPlan withParams(OmahaParams p) {
    return new InstallPlan(interactive, p, response, checkedAt, slot, kernelPath, payloadUrl,
        resumeFrom, result, ended, endReason, restaging);
  }

  public InstallPlan withResponse(OmahaResponse r, long at) {
    return new InstallPlan(interactive, params, r, at, slot, kernelPath, payloadUrl, resumeFrom,
        result, ended, endReason, restaging);
  }

  public InstallPlan withTarget(BootSlot s, Path kernel, String url, Checkpoint resume) {
    return new InstallPlan(interactive, params, response, checkedAt, s, kernel, url, resume,
        result, ended, endReason, restaging);
  }

  public InstallPlan withResult(PayloadResult r) {
    return new InstallPlan(interactive, params, response, checkedAt, slot, kernelPath, payloadUrl,
        resumeFrom, r, ended, endReason, restaging);
  }

  /** The attempt ends here, successfully: nothing to install. */
  public InstallPlan end() {
    return end("");
  }

  /** The attempt ends here, not for an error, and says why. */
  public InstallPlan end(String reason) {
    return new InstallPlan(interactive, params, response, checkedAt, slot, kernelPath, payloadUrl,
        resumeFrom, result, true, reason, restaging);
  }

  /** Where the kernel is written before postinstall moves it into place. */
  public Path kernelStaging() {
    return kernelPath.resolveSibling(kernelPath.getFileName() + ".turnout-new");
  }

  public boolean resumed() {
    return resumeFrom != null;
  }
}
