package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.gpt.PartitionAttributes;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two stages that write the GPT: {@link MarkTargetUnbootable} and {@link SetActive}. */
class GptStagesTest {
  @TempDir Path dir;
  FakeNode node;
  InstallPlan planned;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    planned = InstallPlan.start(true, 0).withTarget(node.disks.slot(3), dir.resolve("k"),
        FakeNode.CODEBASE + "p.gz", null);
  }

  @Test
  void markTargetUnbootableTakesEvenAnActiveTargetOutOfTheRotation() throws Exception {
    new SetActive(node.disks).run(planned, StageSink.NONE);
    assertThat(node.disks.entry(4).attributes().priority()).isEqualTo(2);
    new MarkTargetUnbootable(node.disks).run(planned, StageSink.NONE);
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(0, 0, false));
    assertThat(node.disks.entry(3).attributes()).as("the booted slot is untouched")
        .isEqualTo(PartitionAttributes.of(1, 0, true));
  }

  @Test
  void setActiveIsWhatFlatcarPostinstDoes() throws Exception {
    new SetActive(node.disks).run(planned, StageSink.NONE);
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 1, false));
    assertThat(node.disks.entry(3).attributes()).isEqualTo(PartitionAttributes.of(1, 0, true));
  }

  @Test
  void aDiskThatCannotBeOpenedIsEachStagesOwnCode() throws Exception {
    BootSlot s = node.disks.slot(3);
    InstallPlan elsewhere = InstallPlan.start(true, 0).withTarget(
        new BootSlot(Path.of("/dev/gone"), s.booted(), s.target()), dir.resolve("k"),
        FakeNode.CODEBASE + "p.gz", null);
    assertThatThrownBy(() -> new MarkTargetUnbootable(node.disks).run(elsewhere, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.INSTALL_DEVICE_OPEN_ERROR));
    assertThatThrownBy(() -> new SetActive(node.disks).run(elsewhere, StageSink.NONE))
        .isInstanceOfSatisfying(UpdateException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SET_BOOTABLE_FLAG_ERROR));
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(0, 0, false));
  }
}
