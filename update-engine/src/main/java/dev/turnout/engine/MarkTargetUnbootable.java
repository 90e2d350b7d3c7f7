package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import java.io.IOException;

/**
 * Before a byte of the new image is written, the target leaves the boot rotation (priority 0,
 * tries 0, not successful), so a half-written slot can never be booted, whatever happens next.
 */
final class MarkTargetUnbootable implements Stage {
  private final Disks disks;

  public MarkTargetUnbootable(Disks disks) {
    this.disks = disks;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "marking " + plan.slot().target().label() + " unbootable";
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    try (GptDisk disk = disks.gpt(plan.slot().disk(), true)) {
      disk.markUnbootable(plan.slot().target().number());
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.INSTALL_DEVICE_OPEN_ERROR, e.getMessage(), e);
    }
    return plan;
  }
}
