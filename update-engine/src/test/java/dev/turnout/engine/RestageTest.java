package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.PartitionAttributes;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-staging (Flatcar#565) on the fake node booted from USR-A (1.0.0): 1.1.0 is installed in
 * USR-B and awaits its reboot when the server starts offering 1.2.0.
 */
class RestageTest {
  static final String CODEBASE_12 = "http://payloads.test/1.2.0/";

  @TempDir Path dir;
  FakeNode node;
  RecordingAttemptRecord record;
  UpdateAttempter attempter;
  TestRelease r11;
  TestRelease r12;

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
    node.write("/proc/sys/kernel/random/boot_id", "c0000000-0000-4000-8000-000000000001\n");
    r11 = new TestRelease(java.nio.file.Files.createDirectories(dir.resolve("11")), "1.1.0",
        1_500_000);
    r12 = new TestRelease(java.nio.file.Files.createDirectories(dir.resolve("12")), "1.2.0",
        1_500_000);
    node.offer(r11);
    node.source.also("/1.2.0/", r12.payload);
    record = new RecordingAttemptRecord(node.record);
    attempter = node.attempter(node.stages(record), record);
    assertThat(attempt().operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(node.disks.contents(4)).startsWith(r11.image);
  }

  @AfterEach
  void tearDown() {
    attempter.close();
  }

  private EngineStatus attempt() throws Exception {
    return attempt(false);
  }

  /** A check (scheduled unless {@code interactive}), waited for to its end. */
  private EngineStatus attempt(boolean interactive) throws Exception {
    return Attempts.run(attempter, interactive);
  }

  private int transitionsBefore() {
    return record.transitions().size();
  }

  @Test
  void theSameReleaseOfferedAgainLeavesTheStagedOneAlone() throws Exception {
    PartitionAttributes b = node.disks.entry(4).attributes();
    node.omaha.answer(r11.response(FakeNode.CODEBASE));
    int from = transitionsBefore();
    EngineStatus s = attempt();
    assertThat(s.operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(s.newVersion()).isEqualTo("1.1.0");
    assertThat(record.transitions().subList(from, record.transitions().size()))
        .containsExactly("checking 1.0.0", "checked 1.1.0", "ended no_update");
    assertThat(node.disks.entry(4).attributes()).isEqualTo(b);
    assertThat(node.paths.updateCompletedMarker()).exists();
    assertThat(node.omaha.requests.get(node.omaha.requests.size() - 1).xml())
        .contains("<updatecheck").doesNotContain("previousversion=\"1.0.0\"");
  }

  @Test
  void aNewerReleaseReplacesTheStagedOneInTheSameSlot() throws Exception {
    byte[] usrA = node.disks.contents(3);
    PartitionAttributes a = node.disks.entry(3).attributes();
    node.omaha.answer(r12.response(CODEBASE_12));
    int from = transitionsBefore();
    EngineStatus s = attempt();
    assertThat(s.operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(s.newVersion()).isEqualTo("1.2.0");
    assertThat(node.disks.contents(4)).startsWith(r12.image);
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 1, false));
    assertThat(node.disks.contents(3)).as("the booted slot").isEqualTo(usrA);
    assertThat(node.disks.entry(3).attributes()).isEqualTo(a.withPriority(1));
    assertThat(record.transitions().subList(from, record.transitions().size())).containsExactly(
        "checking 1.0.0", "checked 1.2.0", "planned 1.2.0", "downloadStarted", "transferWorks",
        "checkpoint", "downloaded", "kernelConsumed", "installed 1.2.0 from 1.0.0",
        "ended updated");
    assertThat(node.omaha.events()).endsWith("13/1", "14/1", "3/1");
    assertThat(node.paths.updateCompletedMarker()).exists();
    assertThat(node.record.slotVersion("USR-B")).hasValue("1.2.0");
  }

  @Test
  void aReStageCutShortLeavesTheCurrentSlotBootingAndNothingStaged() throws Exception {
    node.omaha.answer(r12.response(CODEBASE_12));
    node.source.cutAfter(1_200_000);
    for (int i = 0; i <= node.tuning.maxRetries(); i++) {
      node.source.cutAfter(0);
    }
    EngineStatus s = attempt();
    assertThat(s.operation()).isEqualTo(UpdateStatus.IDLE);
    assertThat(node.paths.updateCompletedMarker()).doesNotExist();
    assertThat(node.paths.resolve("/run/reboot-required")).doesNotExist();
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(0, 0, false));
    try (GptDisk d = node.disks.gpt(node.disks.slot(3).disk(), false)) {
      assertThat(d.nextBoot()).hasValueSatisfying(e -> assertThat(e.number()).isEqualTo(3));
    }
    // The next check resumes 1.2.0 where it stopped.
    node.omaha.answer(r12.response(CODEBASE_12));
    assertThat(attempt().operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(record.transitions()).contains("planned 1.2.0 resuming");
    assertThat(node.disks.contents(4)).startsWith(r12.image);
  }

  @Test
  void aFailedCheckKeepsTheStagedUpdate() throws Exception {
    node.omaha.fail(OmahaException.http(503, "the update server answered HTTP 503", null));
    EngineStatus s = attempt();
    assertThat(s.operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(s.newVersion()).isEqualTo("1.1.0");
    assertThat(node.paths.updateCompletedMarker()).exists();
    assertThat(node.disks.entry(4).attributes()).isEqualTo(PartitionAttributes.of(2, 1, false));
  }

  @Test
  void restageFalseKeepsFlatcarsPing() throws Exception {
    node.write("/etc/flatcar/update.conf", "SERVER=" + FakeNode.SERVER + "\nRESTAGE=false\n");
    node.omaha.answer(r12.response(CODEBASE_12));
    int requests = node.omaha.requests.size();
    attempt();
    assertThat(node.omaha.requests.subList(requests, node.omaha.requests.size()))
        .singleElement().satisfies(r -> assertThat(r.xml()).contains("<ping")
            .doesNotContain("<updatecheck"));
    assertThat(node.disks.contents(4)).startsWith(r11.image);
  }

  @Test
  void neverOverASlotARollbackAwaitsItsRebootInto() throws Exception {
    attempter.resetStatus();
    try (GptDisk d = node.disks.gpt(node.disks.slot(3).disk(), true)) {
      d.markGood(4); // as if 1.1.0 in USR-B had booted healthy before
      d.markGood(3);
    }
    node.write("/boot/flatcar/vmlinuz-b", "kernel");
    attempter.rollback(false);
    node.omaha.answer(r12.response(CODEBASE_12));
    int requests = node.omaha.requests.size();
    attempt();
    assertThat(node.omaha.requests.subList(requests, node.omaha.requests.size()))
        .singleElement().satisfies(r -> assertThat(r.xml()).contains("<ping"));
    assertThat(node.disks.contents(4)).startsWith(r11.image);
  }
}
