package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Turns an update-check answer into a plan: whether the record lets it go ahead now (a version
 * that did not come up is not reinstalled at once, error 36; a payload that keeps failing backs
 * off, error 40) with the URL to use and the point to resume at, the slots (the target is the
 * other USR partition of the boot disk), where the kernel goes ({@code /boot/coreos/} when that
 * layout exists, else {@code /boot/flatcar/}).
 */
final class Plan implements Stage {
  private final SystemPaths paths;
  private final BootSlots slots;
  private final AttemptRecord record;

  public Plan(SystemPaths paths, BootSlots slots, AttemptRecord record) {
    this.paths = paths;
    this.slots = slots;
    this.record = record;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "planning the update to " + plan.response().version();
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    try {
      AttemptRecord.Planned planned = record.planned(plan.response());
      BootSlot slot = slots.find();
      Path kernel = Kernels.path(paths, slot.targetKernelSuffix());
      Durable.createDirectories(kernel.getParent());
      return plan.withTarget(slot, kernel, planned.url(), planned.resumeFrom().orElse(null));
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR, e.getMessage(), e);
    }
  }
}
