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
    // as an apply that left the read-back to its caller would say
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
  void anApplyThatReadItsPartitionBackPasses() throws Exception {
    assertThat(new Verify().run(readBackByTheApply, StageSink.NONE)).isSameAs(readBackByTheApply);
  }

  @Test
  void aResultThatWasNotReadBackIsError15() {
    assertThatThrownBy(() -> new Verify().run(applied, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.NEW_ROOTFS_VERIFICATION_ERROR);
          assertThat(e).hasMessageContaining("did not read USR-B back");
        });
  }

  @Test
  void aStagedKernelLongerThanTheNewOneIsCutToSizeByTheApply() throws Exception {
    FakeNode fresh = new FakeNode(dir.resolve("kernel"));
    fresh.source = new FakePayloadSource(release.payload);
    InstallPlan planned = new Plan(fresh.paths, fresh.slots, fresh.record)
        .run(fresh.checked(release), StageSink.NONE);
    Files.createDirectories(planned.kernelStaging().getParent());
    Files.write(planned.kernelStaging(), new byte[release.kernel.length + 4096]); // left behind
    InstallPlan done = fresh.stages().downloadAndApply().run(planned, StageSink.NONE);
    assertThat(Files.readAllBytes(done.kernelStaging())).isEqualTo(release.kernel);
  }
}
