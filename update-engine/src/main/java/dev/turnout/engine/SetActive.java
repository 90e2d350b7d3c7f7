package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import java.io.IOException;

/**
 * The switch itself, once everything verified: what {@code flatcar-postinst} does with cgpt
 * (repair; successful=0 tries=1; prioritize the target first), as one crash-safe GPT write. The
 * bootloader boots the target once; if it never comes up healthy, it falls back.
 */
final class SetActive implements Stage {
  private final Disks disks;

  public SetActive(Disks disks) {
    this.disks = disks;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "marking " + plan.slot().target().label() + " active";
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    try (GptDisk disk = disks.gpt(plan.slot().disk(), true)) {
      disk.markActive(plan.slot().target().number());
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.SET_BOOTABLE_FLAG_ERROR, e.getMessage(), e);
    }
    return plan;
  }
}
