package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.PartitionAttributes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootMarkerTest {
  @TempDir Path dir;
  FakeNode node;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    // The first boot of an update: USR-B active (tries spent by gptprio), USR-A the fallback.
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      d.markActive(4);
      d.selectNext();
    }
  }

  private BootMarker marker() throws Exception {
    return new BootMarker(node.paths, new FakeBootSlots(
        node.disks.slot(4)), node.disks, node.hooks, node.record,
        new BootGate(node.paths, node.record, node.clock, java.time.Duration.ofMinutes(10)));
  }

  private void bootId(String id) throws Exception {
    Path p = node.paths.resolve("/proc/sys/kernel/random/boot_id");
    Files.createDirectories(p.getParent());
    Files.writeString(p, id + "\n");
  }

  @Test
  void aHealthyBootIsMarkedGoodOnceAtTheDelay() throws Exception {
    BootMarker m = marker();
    m.start(node.timers, Duration.ofSeconds(45));
    node.timers.advance(Duration.ofSeconds(44));
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 0, false));
    node.timers.advance(Duration.ofSeconds(1));
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 0, true));
    assertThat(node.hooks.calls).singleElement().satisfies(c -> assertThat(c.dirs())
        .containsExactly(node.paths.resolve("/etc/turnout/health.d"),
            node.paths.resolve("/usr/lib/turnout/health.d")));
    assertThat(m.markNow()).as("once per daemon").isFalse();
  }

  @Test
  void aFailedHealthCheckLeavesTheFallbackToTheBootloader() throws Exception {
    node.hooks.failWith("/etc/turnout/health.d/10-kubelet", 1, "");
    assertThat(marker().markNow()).isFalse();
    assertThat(node.disks.entry(4).attributes().successful()).isFalse();
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      assertThat(d.selectNext()).hasValueSatisfying(e -> assertThat(e.number()).isEqualTo(3));
    }
  }

  @Test
  void neverWhileAnInstalledUpdateAwaitsItsReboot() throws Exception {
    Files.createDirectories(node.paths.updateCompletedMarker().getParent());
    Files.createFile(node.paths.updateCompletedMarker());
    assertThat(marker().markNow()).isFalse();
    assertThat(node.hooks.calls).isEmpty();
    assertThat(node.disks.entry(4).attributes().successful()).isFalse();
  }

  @Test
  void anUntrustedBootSlotMarksNothingAndIsLookedAtAgain() throws Exception {
    FakeBootSlots slots = new FakeBootSlots(
        node.disks.slot(4));
    slots.failing(new KernelBootSlots.UntrustedBootSlotException("priority is 0"));
    BootMarker m = new BootMarker(node.paths, slots, node.disks, node.hooks, node.record,
        new BootGate(node.paths, node.record, node.clock, java.time.Duration.ofMinutes(10)));
    assertThat(m.markNow()).isFalse();
    assertThat(m.markNow()).as("tried again, not given up").isFalse();
    assertThat(slots.finds).isEqualTo(2);
    assertThat(node.disks.entry(4).attributes().successful()).isFalse();
  }

  @Test
  void aDaemonStartedAgainInTheSameBootLeavesTheTableAsItIs() throws Exception {
    bootId("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
    assertThat(marker().markNow()).isTrue();
    // The operator rolls back by hand (cgpt prioritize of USR-A), then a D-Bus call activates
    // the daemon again in the same boot: it neither waits nor marks, and the rollback stands.
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      d.prioritize(3, false, 0);
    }
    byte[] before = node.disks.device.data.clone();
    BootMarker again = marker();
    again.start(node.timers, Duration.ofSeconds(45));
    assertThat(again.settled()).as("nothing to wait for").isTrue();
    node.timers.advance(Duration.ofSeconds(60));
    assertThat(again.markNow()).isFalse();
    assertThat(node.disks.device.data.clone()).as("no GPT write").isEqualTo(before);
    assertThat(node.hooks.calls).as("health checks ran once").hasSize(1);
  }

  @Test
  void theNextBootIsMarkedAgain() throws Exception {
    bootId("0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
    assertThat(marker().markNow()).isTrue();
    try (GptDisk d = node.disks.gpt(node.disks.slot(4).disk(), true)) {
      d.markActive(3); // a later update, now booted for the first time
    }
    bootId("1a2b3c4d-0000-4000-8000-00000000000b");
    BootMarker next = marker();
    next.start(node.timers, Duration.ofSeconds(45));
    assertThat(next.settled()).isFalse();
    node.timers.advance(Duration.ofSeconds(45));
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 0, true));
  }

  @Test
  void aCompletionMarkerFromAnEarlierBootAwaitsNothing() throws Exception {
    // /run outlived its boot (a kexec, a /run on disk): the install happened in another boot.
    bootId("1a2b3c4d-0000-4000-8000-00000000000b");
    node.prefs.setString("turnout-installed-boot-id",
        "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0");
    Files.createDirectories(node.paths.updateCompletedMarker().getParent());
    Files.createFile(node.paths.updateCompletedMarker());
    assertThat(marker().markNow()).isTrue();
    assertThat(node.disks.entry(4).attributes().successful()).isTrue();
  }
}
