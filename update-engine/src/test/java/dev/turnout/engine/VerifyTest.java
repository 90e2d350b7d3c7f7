package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.payload.PayloadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyTest {
  @TempDir Path dir;
  FakeNode node;
  TestRelease release;
  InstallPlan applied;
  InstallPlan readBackByTheApply;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    release = new TestRelease(dir, "1.1.0", 200_000);
    node.source = new FakePayloadSource(release.payload);
    InstallPlan planned = new Plan(node.paths, node.slots, node.record).run(node.checked(release), StageSink.NONE);
    InstallPlan done = node.stages().downloadAndApply().run(planned, StageSink.NONE);
    assertThat(done.result().targetsVerified()).isTrue();
    readBackByTheApply = done;
    // as after an apply that left the read-back to this stage: everything below is read here
    PayloadResult r = done.result();
    applied = done.withResult(new PayloadResult(r.size(), r.sha256(), r.signedHash(),
        r.verifiedBy(), r.operations(), r.newPartitionSize(), r.newPartitionSha256(),
        r.kernelSize(), r.kernelSha256(), false));
  }

  @Test
  void aByteTheDiskLosesDuringTheApplyIsError15AndNothingIsMarked() throws Exception {
    FakeNode fresh = new FakeNode(dir.resolve("fresh"));
    fresh.source = new FakePayloadSource(release.payload);
    fresh.disks.losesByteAt = fresh.disks.entry(4).byteOffset() + 100_000;
    InstallPlan planned = new Plan(fresh.paths, fresh.slots, fresh.record)
        .run(fresh.checked(release), StageSink.NONE);
    assertThatThrownBy(() -> fresh.stages().downloadAndApply().run(planned, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR);
          assertThat(e).hasMessageContaining("does not match the manifest's SHA-256");
        });
  }

  @Test
  void anApplyThatReadItsPartitionBackIsNotReadASecondTime() throws Exception {
    long at = node.disks.entry(4).byteOffset() + 1234;
    node.disks.device.data[(int) at] ^= 1; // changed after the apply's own read-back
    new Verify(node.disks).run(readBackByTheApply, StageSink.NONE);
  }

  @Test
  void whatIsOnTheDiskMatchesTheManifestAndTheKernelIsCutToSize() throws Exception {
    Files.write(applied.kernelStaging(), new byte[100], java.nio.file.StandardOpenOption.APPEND);
    new Verify(node.disks).run(applied, StageSink.NONE);
    assertThat(Files.readAllBytes(applied.kernelStaging())).isEqualTo(release.kernel);
  }

  @Test
  void oneFlippedByteOnTheTargetIsError15() throws Exception {
    long at = node.disks.entry(4).byteOffset() + 1234;
    node.disks.device.data[(int) at] ^= 1;
    assertThatThrownBy(() -> new Verify(node.disks).run(applied, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR));
  }

  @Test
  void aChangedOrMissingKernelIsError16() throws Exception {
    byte[] k = release.kernel.clone();
    k[0] ^= 1;
    Files.write(applied.kernelStaging(), k);
    assertThatThrownBy(() -> new Verify(node.disks).run(applied, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR));
    Files.delete(applied.kernelStaging());
    assertThatThrownBy(() -> new Verify(node.disks).run(applied, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.NEW_KERNEL_VERIFICATION_ERROR);
          assertThat(e).hasMessageContaining("is missing");
        });
  }
}
