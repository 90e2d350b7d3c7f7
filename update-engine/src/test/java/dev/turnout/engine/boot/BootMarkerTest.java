package dev.turnout.engine.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.engine.fakes.FakeNode;
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
    return new BootMarker(node.paths, new dev.turnout.engine.fakes.FakeBootSlots(
        node.disks.slot(4)), node.disks, node.hooks);
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
    dev.turnout.engine.fakes.FakeBootSlots slots = new dev.turnout.engine.fakes.FakeBootSlots(
        node.disks.slot(4));
    slots.failing(new KernelBootSlots.UntrustedBootSlotException("priority is 0"));
    BootMarker m = new BootMarker(node.paths, slots, node.disks, node.hooks);
    assertThat(m.markNow()).isFalse();
    assertThat(m.markNow()).as("tried again, not given up").isFalse();
    assertThat(slots.finds).isEqualTo(2);
    assertThat(node.disks.entry(4).attributes().successful()).isFalse();
  }
}
