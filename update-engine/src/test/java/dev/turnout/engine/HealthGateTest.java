package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.PartitionAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health gate under systemd: the first boot of 1.1.0 in USR-B (gptprio has spent its try;
 * USR-A holds 1.0.0, good) is marked good only once boot-complete.target is reached, and falls
 * back once when it is not.
 */
class HealthGateTest {
  @TempDir Path dir;
  FakeNode node;
  RecordingAttemptRecord record;
  BootGate gate;
  BootMarker marker;
  UpdateAttempter attempter;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir).withSystemd();
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      d.markActive(4);
      d.selectNext();
    }
    node.write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=1.1.0\n"
        + "FLATCAR_RELEASE_BOARD=amd64-usr\n");
    node.prefs.setString("turnout-slot-versions", "USR-A 1.0.0\nUSR-B 1.1.0\n");
    bootId("b0000000-0000-4000-8000-000000000001");
    record = new RecordingAttemptRecord(node.record);
    daemon();
  }

  /** A daemon of this boot: its gate, marker and attempter, wired as the daemon wires them. */
  private void daemon() throws Exception {
    if (attempter != null) {
      attempter.close();
    }
    gate = new BootGate(node.paths, record, node.clock, Duration.ofMinutes(10));
    // Booted from USR-B, the table read afresh each time as the real slots do.
    marker = new BootMarker(node.paths, () -> {
      try {
        return node.disks.slot(4);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, node.disks, node.hooks, record, gate);
    attempter = node.attempter(node.stages(record), record);
    marker.onFallBack(attempter::bootFailed);
  }

  @AfterEach
  void tearDown() {
    attempter.close();
  }

  private void bootId(String id) throws Exception {
    node.write("/proc/sys/kernel/random/boot_id", id + "\n");
  }

  private void awaitStatus(UpdateStatus s) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (attempter.status().operation() != s && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(attempter.status().operation()).isEqualTo(s);
  }

  private void awaitReboots(int n) throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (node.reboots < n && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(node.reboots).isEqualTo(n);
  }

  private PartitionAttributes b() throws Exception {
    return node.disks.entry(4).attributes();
  }

  @Test
  void theSlotIsMarkedGoodOnlyOnceTheTargetIsReached() throws Exception {
    marker.start(node.timers, Duration.ofSeconds(45));
    node.timers.advance(Duration.ofSeconds(60));
    assertThat(b()).as("past the delay, but not healthy yet")
        .isEqualTo(PartitionAttributes.of(2, 0, false));
    assertThat(marker.settled()).as("the daemon stays for the gate").isFalse();
    assertThat(marker.notReadyForUpdate()).hasValue("the booted USR-B is not marked good"
        + " (boot-complete.target has not been reached yet); no update is written over USR-A,"
        + " the last slot known good, until it is");
    gate.passed();
    assertThat(b()).isEqualTo(PartitionAttributes.of(2, 0, true));
    assertThat(marker.notReadyForUpdate()).isEmpty();
    // A daemon started again in this boot knows the gate passed.
    assertThat(new BootGate(node.paths, record, node.clock, Duration.ofMinutes(10)).state())
        .isEqualTo(BootGate.State.PASSED);
  }

  @Test
  void aTargetReachedBeforeTheDelayMarksAtTheDelayAsBefore() throws Exception {
    marker.start(node.timers, Duration.ofSeconds(45));
    gate.passed();
    assertThat(b().successful()).isFalse();
    node.timers.advance(Duration.ofSeconds(45));
    assertThat(b()).isEqualTo(PartitionAttributes.of(2, 0, true));
  }

  @Test
  void aFailedHealthUnitFallsBackOnceAndTheOldSlotIsUntouched() throws Exception {
    PartitionAttributes a = node.disks.entry(3).attributes();
    marker.start(node.timers, Duration.ofSeconds(45));
    gate.failed("boot-complete.target was not reached; failed units: app-health.service");
    awaitStatus(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(attempter.status().newVersion()).isEqualTo("1.0.0");
    awaitReboots(1);
    assertThat(node.omaha.events()).containsExactly("3/0:67");
    assertThat(attempter.lastError().code()).isEqualTo(ErrorCode.BOOT_HEALTH_FAILED);
    assertThat(attempter.lastError().message()).isEqualTo("boot-complete.target was not"
        + " reached; failed units: app-health.service");
    assertThat(record.transitions()).contains("fallingBack from 1.1.0 to 1.0.0");
    assertThat(node.paths.updateCompletedMarker()).exists();
    assertThat(b()).as("nothing written: gptprio already passes it over")
        .isEqualTo(PartitionAttributes.of(2, 0, false));
    assertThat(node.disks.entry(3).attributes()).as("the healthy old slot").isEqualTo(a);
    node.timers.advance(Duration.ofMinutes(20));
    assertThat(b().successful()).as("never marked").isFalse();

    // A daemon started again in the same boot does not fall back a second time.
    daemon();
    marker.start(node.timers, Duration.ofSeconds(45));
    gate.failed("again");
    Thread.sleep(300);
    assertThat(node.reboots).isEqualTo(1);

    // The bootloader boots USR-A; its first check reports the rollback, 1.1.0 is held back.
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      assertThat(d.selectNext()).hasValueSatisfying(e -> assertThat(e.number()).isEqualTo(3));
    }
    assertThat(node.record.checking("1.0.0", "a0000000-0000-4000-8000-000000000002"))
        .hasValue("1.0.0");
    assertThat(node.refusal("1.1.0")).isPresent();
  }

  @Test
  void aTargetNeverReachedFailsAtTheTimeout() throws Exception {
    marker.start(node.timers, Duration.ofSeconds(45));
    node.timers.advance(Duration.ofSeconds(599));
    assertThat(gate.state()).isEqualTo(BootGate.State.WAITING);
    node.timers.advance(Duration.ofSeconds(1));
    assertThat(gate.state()).isEqualTo(BootGate.State.FAILED);
    awaitStatus(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(attempter.lastError().message()).isEqualTo("boot-complete.target was not reached"
        + " within 600 s (HEALTH_TIMEOUT_SEC)");
    awaitReboots(1);
  }

  @Test
  void theTimeoutCountsFromTheFirstDaemonOfTheBoot() throws Exception {
    marker.start(node.timers, Duration.ofSeconds(45));
    node.timers.advance(Duration.ofSeconds(500));
    daemon(); // the daemon exited and was started again
    marker.start(node.timers, Duration.ofSeconds(45));
    node.timers.advance(Duration.ofSeconds(100));
    assertThat(gate.state()).isEqualTo(BootGate.State.FAILED);
  }

  @Test
  void aCoordinatorOrOffLeavesTheRebootToOthers() throws Exception {
    node.write("/etc/flatcar/update.conf", "SERVER=" + FakeNode.SERVER
        + "\nREBOOT_STRATEGY=etcd-lock\n");
    marker.start(node.timers, Duration.ofSeconds(45));
    gate.failed("x");
    awaitStatus(UpdateStatus.UPDATED_NEED_REBOOT);
    Thread.sleep(200);
    assertThat(node.reboots).as("the coordinator reboots under its lock").isZero();
  }

  @Test
  void aFailureIsReportedOncePerBootEvenOnAGoodSlot() throws Exception {
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      d.markGood(4);
    }
    gate.failed("x");
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (node.omaha.events().isEmpty() && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(node.omaha.events()).containsExactly("3/0:67");
    daemon(); // the daemon exits idle and is started again, in the same boot
    assertThat(gate.state()).isEqualTo(BootGate.State.FAILED);
    assertThat(marker.settled()).isTrue();
    gate.failed("y");
    Thread.sleep(200);
    assertThat(node.omaha.events()).as("not reported again").containsExactly("3/0:67");
  }

  @Test
  void aSlotThatWasGoodBeforeIsNeverRebootedAway() throws Exception {
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      d.markGood(4);
    }
    PartitionAttributes before = b();
    gate.failed("boot-complete.target was not reached; failed units: app-health.service");
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (attempter.lastError().code() == null && System.nanoTime() < end) {
      Thread.sleep(10);
    }
    assertThat(attempter.lastError().code()).isEqualTo(ErrorCode.BOOT_HEALTH_FAILED);
    assertThat(attempter.status().operation()).isEqualTo(UpdateStatus.IDLE);
    assertThat(node.reboots).isZero();
    assertThat(b()).isEqualTo(before);
    assertThat(Files.exists(node.paths.updateCompletedMarker())).isFalse();
  }

  @Test
  void withoutSystemdThereIsNoGate() throws Exception {
    Files.delete(node.paths.resolve("/usr/lib/systemd/system/" + BootGate.UNIT));
    daemon();
    assertThat(gate.state()).isEqualTo(BootGate.State.OFF);
    marker.start(node.timers, Duration.ofSeconds(45));
    node.timers.advance(Duration.ofSeconds(45));
    assertThat(b()).isEqualTo(PartitionAttributes.of(2, 0, true));
  }
}
