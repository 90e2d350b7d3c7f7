package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanTest {
  @TempDir Path dir;
  FakeNode node;
  TestRelease release;
  Plan plan;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    release = new TestRelease(dir, "1.1.0", 8192);
    plan = new Plan(node.paths, node.slots, node.record);
  }

  @Test
  void theTargetIsTheOtherSlotAndItsKernelGoesUnderBootFlatcar() throws Exception {
    InstallPlan p = plan.run(node.checked(release), StageSink.NONE);
    assertThat(p.slot().booted().label()).isEqualTo("USR-A");
    assertThat(p.slot().target().label()).isEqualTo("USR-B");
    assertThat(p.kernelPath()).isEqualTo(node.paths.resolve("/boot/flatcar/vmlinuz-b"));
    assertThat(p.kernelPath().getParent()).isDirectory();
    assertThat(p.resumeFrom()).isNull();
  }

  @Test
  void theOldCoreosLayoutKeepsItsKernelDirectory() throws Exception {
    node.write("/boot/coreos/vmlinuz-a", "old kernel");
    InstallPlan p = plan.run(node.checked(release), StageSink.NONE);
    assertThat(p.kernelPath()).isEqualTo(node.paths.resolve("/boot/coreos/vmlinuz-b"));
  }

  @Test
  void aVersionThatRolledBackIsDeferredWithError36() throws Exception {
    node.rolledBackFrom("1.1.0");
    assertThatThrownBy(() -> plan.run(node.checked(release), StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY);
          assertThat(e).hasMessageContaining("rolled back 1 time(s)");
        });
    assertThat(node.slots.finds).as("nothing looked at the disk").isZero();
  }

  @Test
  void aPayloadInBackoffWaitsWithError40() throws Exception {
    String offer = release.response(FakeNode.CODEBASE).replace(
        " DisablePayloadBackoff=\"true\"", "");
    node.omaha.answer(offer);
    InstallPlan checked = node.checked(release); // adopts the first queued answer: with backoff
    node.record.planned(checked.response()); // as the plan adopts it
    node.prefs.setLong("backoff-expiry-time",
        node.clock.instant().getEpochSecond() + 3600);
    assertThatThrownBy(() -> plan.run(checked, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_UPDATE_DEFERRED_FOR_BACKOFF));
  }

  @Test
  void anUnknownBootSlotFailsWithItsOwnCode() throws Exception {
    node.slots.failing(new UpdateException(ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR,
        "the booted PARTUUID is not on the disk", null));
    assertThatThrownBy(() -> plan.run(node.checked(release), StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR));
    assertThat(Files.exists(node.paths.resolve("/boot/flatcar"))).isFalse();
  }
}
