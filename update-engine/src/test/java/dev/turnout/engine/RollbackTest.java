package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.PartitionAttributes;
import dev.turnout.gpt.PartitionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -rollback} on the fake node booted from USR-A (1.0.0): refused in every unsafe case,
 * and when safe the other slot boots next, the engine awaits the reboot, and the check after it
 * reports the rollback.
 */
class RollbackTest {
  @TempDir Path dir;
  FakeNode node;
  RecordingAttemptRecord record;
  UpdateAttempter attempter;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    record = new RecordingAttemptRecord(node.record);
  }

  @AfterEach
  void tearDown() {
    if (attempter != null) {
      attempter.close();
    }
  }

  private UpdateAttempter start() {
    attempter = node.attempter(node.stages(record), record);
    return attempter;
  }

  /** USR-B holds a release that booted healthy before (0.9.0, written by Turnout), kernel too. */
  private void goodOtherSlot() throws Exception {
    try (GptDisk d = new GptDisk(node.disks.device)) {
      d.add(PartitionSpec.attributes(4, true, 0, 1));
      d.add(PartitionSpec.attributes(3, true, 0, 2));
    }
    node.write("/boot/flatcar/vmlinuz-b", "kernel of 0.9.0");
    node.prefs.setString("turnout-slot-versions",
        "USR-B 0.9.0\nUSR-A 1.0.0\n");
  }

  @Test
  void aSlotThatNeverBootedHealthyIsRefused() throws Exception {
    start();
    assertThatThrownBy(() -> attempter.rollback(false)).isInstanceOf(Rollback.Refused.class)
        .hasMessage("USR-B (partition 4) is not marked successful: it holds no release that"
            + " booted healthy (priority 0, tries 0)");
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(0, 0, false));
    assertThat(attempter.status().operation()).isEqualTo(UpdateStatus.IDLE);
  }

  @Test
  void aSlotWithoutItsKernelIsRefused() throws Exception {
    goodOtherSlot();
    Files.delete(node.paths.resolve("/boot/flatcar/vmlinuz-b"));
    start();
    assertThatThrownBy(() -> attempter.rollback(true)).isInstanceOf(Rollback.Refused.class)
        .hasMessage("no kernel for USR-B at " + node.paths.resolve("/boot/flatcar/vmlinuz-b"));
  }

  @Test
  void anUpdateAwaitingItsRebootIsRefused() throws Exception {
    node.offer(new TestRelease(dir, "1.1.0", 8192));
    start();
    assertThat(Attempts.run(attempter, true).operation())
        .isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    PartitionAttributes before = node.disks.entry(4).attributes();
    assertThatThrownBy(() -> attempter.rollback(false)).isInstanceOf(Rollback.Refused.class)
        .hasMessageStartingWith("an update to 1.1.0 awaits its reboot;");
    assertThat(node.disks.entry(4).attributes()).isEqualTo(before);
  }

  @Test
  void aDryRunChangesNothing() throws Exception {
    goodOtherSlot();
    start();
    assertThat(attempter.rollback(true)).isEqualTo("Would roll back to USR-B (partition 4,"
        + " /dev/fake4), version 0.9.0; nothing changed.");
    assertThat(node.disks.entry(3).attributes()).isEqualTo(PartitionAttributes.of(2, 0, true));
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(1, 0, true));
    assertThat(attempter.status().operation()).isEqualTo(UpdateStatus.IDLE);
    assertThat(record.transitions()).isEmpty();
  }

  @Test
  void aSafeRollbackBootsTheOtherSlotNextAndIsReportedAfterTheReboot() throws Exception {
    goodOtherSlot();
    start();
    assertThat(attempter.rollback(false)).isEqualTo("Rolled back to USR-B (partition 4,"
        + " /dev/fake4), version 0.9.0: it boots next. Reboot to use it.");
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 0, true));
    assertThat(node.disks.entry(3).attributes()).as("the booted slot stays the fallback")
        .isEqualTo(PartitionAttributes.of(1, 0, true));
    assertThat(attempter.status().operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(attempter.status().newVersion()).isEqualTo("0.9.0");
    assertThat(node.paths.updateCompletedMarker()).exists();
    assertThat(record.transitions()).containsExactly("rollingBack from 1.0.0 to 0.9.0");
    // The booted slot is not marked good again before the reboot: that would undo it.
    assertThat(node.bootMarker().markNow()).isFalse();
    assertThat(node.disks.entry(4).attributes().priority()).isEqualTo(2);
    // A second rollback in the same boot is refused: one is awaiting its reboot.
    assertThatThrownBy(() -> attempter.rollback(true)).isInstanceOf(Rollback.Refused.class)
        .hasMessageStartingWith("an update to 0.9.0 awaits its reboot;");
    // The reboot: the first check runs 0.9.0 and reports error 44; 1.0.0 is then held back.
    assertThat(node.record.checking("0.9.0", "the-next-boot")).hasValue("0.9.0");
    assertThat(node.refusal("1.0.0")).hasValueSatisfying(
        why -> assertThat(why).contains("rolled back 1 time(s)"));
    assertThat(node.record.checking("0.9.0", "the-next-boot")).as("reported once").hasValue("");
  }

  @Test
  void aRollbackUndoneBeforeTheRebootReportsNothing() throws Exception {
    goodOtherSlot();
    start();
    attempter.rollback(false);
    assertThat(node.record.checking("1.0.0", "the-next-boot")).isEmpty();
    assertThat(node.refusal("1.0.0")).isEmpty();
  }
}
