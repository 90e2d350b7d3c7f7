package dev.turnout.engine;

/**
 * Holds the pipeline to its safety order: nothing after this stage runs (postinstall, the GPT
 * flip) unless the apply read the written partition and the staged kernel back and found them to
 * match the manifest ({@link dev.turnout.payload.PayloadResult#targetsVerified}: errors 15 and 16
 * come from the apply itself, which reads each range back once its last write has landed).
 * A result that was not read back is refused with error 15 rather than read here a second time.
 */
final class Verify implements Stage {
  @Override
  public String describe(InstallPlan plan) {
    return "verifying " + plan.slot().target().label();
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    if (!plan.result().targetsVerified()) {
      throw new UpdateException(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, "the apply did not read "
          + plan.slot().target().label() + " back, so it cannot be made bootable", null);
    }
    return plan;
  }
}
