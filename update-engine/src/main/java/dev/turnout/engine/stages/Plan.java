package dev.turnout.engine.stages;

import dev.turnout.engine.boot.BootSlot;
import dev.turnout.engine.system.Durable;
import dev.turnout.engine.stages.InstallPlan;
import dev.turnout.engine.state.PayloadState;
import dev.turnout.engine.state.ResumeStore;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.payload.Checkpoint;
import dev.turnout.payload.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns an update-check answer into a plan: the backoff gate (error 40), the slots (the target is
 * the other USR partition of the boot disk), where the kernel goes ({@code /boot/coreos/} when
 * that layout exists, else {@code /boot/flatcar/}), and whether the download can resume.
 */
public final class PlanUpdate implements Stage {
  private final SystemPaths paths;
  private final Path diskOverride;
  private final PayloadState payloadState;
  private final ResumeStore resume;

  public PlanUpdate(SystemPaths paths, Path diskOverride, PayloadState payloadState,
      ResumeStore resume) {
    this.paths = paths;
    this.diskOverride = diskOverride;
    this.payloadState = payloadState;
    this.resume = resume;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "planning the update to " + plan.response().version();
  }

  @Override
  public InstallPlan run(InstallPlan plan) throws UpdateException {
    try {
      payloadState.setResponse(plan.response());
      if (payloadState.shouldBackoff()) {
        throw new UpdateException(ErrorCode.OMAHA_UPDATE_DEFERRED_FOR_BACKOFF,
            "backing off after " + payloadState.attemptNumber() + " failed attempts", null);
      }
      BootSlot slot = BootSlot.find(paths, diskOverride);
      String suffix = slot.targetKernelSuffix();
      Path coreos = paths.resolve("/boot/coreos");
      boolean legacy = Files.exists(coreos.resolve("vmlinuz-a"))
          || Files.exists(coreos.resolve("vmlinuz-b"));
      Path kernel = (legacy ? coreos : paths.resolve("/boot/flatcar")).resolve("vmlinuz-" + suffix);
      Durable.createDirectories(kernel.getParent());
      Checkpoint cp = resume.resumable(plan.response().sha256()).orElse(null);
      return plan.withTarget(slot, kernel, cp);
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR, e.getMessage(), e);
    }
  }
}
