package dev.turnout.engine.stages;

import dev.turnout.engine.stages.InstallPlan;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.payload.ErrorCode;
import dev.turnout.payload.PayloadResult;
import dev.turnout.payload.PayloadTarget;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * Reads the written partition back and checks its first {@code new_partition_info.size} bytes
 * against the manifest's SHA-256 (error 15), then the staged kernel's size and hash (error 16).
 */
public final class VerifyPartition implements Stage {
  @Override
  public String describe(InstallPlan plan) {
    return "verifying " + plan.slot().target().label();
  }

  @Override
  public InstallPlan run(InstallPlan plan) throws UpdateException {
    PayloadResult r = plan.result();
    try (FileChannel ch = FileChannel.open(plan.slot().disk(), StandardOpenOption.READ);
        PayloadTarget t = PayloadTarget.range(ch, plan.slot().target().byteOffset(),
            plan.slot().target().byteLength())) {
      if (!MessageDigest.isEqual(t.sha256(r.newPartitionSize()), r.newPartitionSha256())) {
        throw new UpdateException(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR,
            "the written partition does not match the manifest's SHA-256", null);
      }
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR,
          "reading the partition back: " + e.getMessage(), e);
    }
    if (r.kernelSize() >= 0) {
      try (FileChannel k = FileChannel.open(plan.kernelStaging(), StandardOpenOption.READ,
          StandardOpenOption.WRITE)) {
        k.truncate(r.kernelSize());
        k.force(true);
      } catch (IOException e) {
        throw new UpdateException(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR,
            "the new kernel is missing: " + e.getMessage(), e);
      }
      try {
        byte[] kernel = Files.readAllBytes(plan.kernelStaging());
        if (kernel.length != r.kernelSize() || !MessageDigest.isEqual(
            MessageDigest.getInstance("SHA-256").digest(kernel), r.kernelSha256())) {
          throw new UpdateException(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR,
              "the new kernel does not match the manifest", null);
        }
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        throw new UpdateException(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR, e.getMessage(), e);
      }
    }
    return plan;
  }
}
