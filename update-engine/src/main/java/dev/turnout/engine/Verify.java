package dev.turnout.engine;

import dev.turnout.payload.PartitionVerifier;
import dev.turnout.payload.PayloadException;
import dev.turnout.payload.PayloadLimits;
import dev.turnout.payload.PayloadResult;
import dev.turnout.payload.PayloadTarget;
import dev.turnout.payload.PayloadTargets;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Reads the written partition back and checks its first {@code new_partition_info.size} bytes
 * against the manifest's SHA-256 (error 15), then cuts the staged kernel to its size and checks it
 * (error 16): the payload library's own check, on what is really on the disk now. An apply that
 * did that itself, reading each range back once its last write had landed while the later
 * operations were written ({@link PayloadResult#targetsVerified}), is not read a second time.
 */
final class Verify implements Stage {
  private final Disks disks;

  public Verify(Disks disks) {
    this.disks = disks;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "verifying " + plan.slot().target().label();
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    PayloadResult r = plan.result();
    if (r.targetsVerified()) {
      return plan;
    }
    try (PayloadTarget t = disks.partition(plan.slot().disk(), plan.slot().target(), false)) {
      PartitionVerifier.verify(t, r.newPartitionSize(), r.newPartitionSha256(),
          dev.turnout.payload.ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR, "the written partition");
    } catch (PayloadException e) {
      throw UpdateException.of(e);
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR,
          "reading the partition back: " + e.getMessage(), e);
    }
    if (r.kernelSize() < 0) {
      return plan;
    }
    if (!Files.exists(plan.kernelStaging())) {
      throw new UpdateException(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR,
          "the new kernel " + plan.kernelStaging() + " is missing", null);
    }
    try (PayloadTarget k = PayloadTargets.growingFile(plan.kernelStaging(),
        PayloadLimits.DEFAULT.maxKernelSize())) {
      PartitionVerifier.truncateAndVerify(k, r.kernelSize(), r.kernelSha256(),
          dev.turnout.payload.ErrorCode.NEW_KERNEL_VERIFICATION_ERROR, "the new kernel");
    } catch (PayloadException e) {
      throw UpdateException.of(e);
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR, e.getMessage(), e);
    }
    return plan;
  }
}
