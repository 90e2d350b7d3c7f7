package dev.turnout.engine.stages;

import dev.turnout.engine.boot.BootSlot;
import dev.turnout.engine.boot.BootSlots;
import dev.turnout.engine.state.PayloadState;
import dev.turnout.engine.state.ResumeStore;
import dev.turnout.engine.state.RollbackGuard;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.engine.system.Durable;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.payload.Checkpoint;
import dev.turnout.payload.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns an update-check answer into a plan: the rollback guard (a version that did not come up is
 * not reinstalled at once, error 36), the backoff gate (error 40), the slots (the target is the
 * other USR partition of the boot disk), where the kernel goes ({@code /boot/coreos/} when that
 * layout exists, else {@code /boot/flatcar/}), and whether the download can resume.
 */
public final class Plan implements Stage {
  private final SystemPaths paths;
  private final BootSlots slots;
  private final PayloadState payloadState;
  private final ResumeStore resume;
  private final RollbackGuard rollbacks;

  public Plan(SystemPaths paths, BootSlots slots, PayloadState payloadState, ResumeStore resume,
      RollbackGuard rollbacks) {
    this.paths = paths;
    this.slots = slots;
    this.payloadState = payloadState;
    this.resume = resume;
    this.rollbacks = rollbacks;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "planning the update to " + plan.response().version();
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    try {
      Optional<String> refusal = rollbacks.refusal(plan.response().version());
      if (refusal.isPresent()) {
        throw new UpdateException(ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY, refusal.get(), null);
      }
      payloadState.setResponse(plan.response());
      if (payloadState.shouldBackoff()) {
        throw new UpdateException(ErrorCode.OMAHA_UPDATE_DEFERRED_FOR_BACKOFF,
            "backing off after " + payloadState.attemptNumber() + " failed attempts", null);
      }
      BootSlot slot = slots.find();
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
