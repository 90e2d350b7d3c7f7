package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  @Test
  void leavesTheTracesRebootCoordinatorsReadAndReportsInstallComplete() throws Exception {
    FakeNode node = new FakeNode(dir);
    InstallPlan done = node.checked(new TestRelease(dir, "1.1.0", 8192))
        .withTarget(node.disks.slot(3), dir.resolve("vmlinuz-b"), FakeNode.CODEBASE + "p.gz",
            null);
    List<OmahaEvent> events = new ArrayList<>();
    new Report(node.paths, node.record).run(done, new StageSink() {
      @Override
      public void event(OmahaEvent event) {
        events.add(event);
      }

      @Override
      public void downloaded(long bytes, long total) {}
    });
    assertThat(node.paths.resolve("/run/reboot-required")).exists();
    assertThat(node.paths.updateCompletedMarker()).exists();
    assertThat(node.prefs.getString("previous-version")).hasValue("1.0.0");
    assertThat(node.prefs.getLong("update-state-next-operation")).hasValue(-1L);
    assertThat(events).containsExactly(OmahaEvent.installComplete());
    // Coming back on 1.0.0 later is then a rollback of 1.1.0.
    node.record.checking("1.0.0", "a-later-boot");
    assertThat(node.refusal("1.1.0")).isPresent();
  }

  @Test
  void whatGetStatusWillSayIsKeptBeforeTheEventThatMayHang() throws Exception {
    FakeNode node = new FakeNode(dir);
    InstallPlan done = node.checked(new TestRelease(dir, "1.1.0", 8192))
        .withTarget(node.disks.slot(3), dir.resolve("vmlinuz-b"), FakeNode.CODEBASE + "p.gz",
            null);
    List<EngineStatus> seenAtTheEvent = new ArrayList<>();
    new Report(node.paths, node.record).run(done,
        new StageSink() {
          @Override
          public void event(OmahaEvent event) {
            // kill -9 now: a daemon started afresh loads what was kept
            seenAtTheEvent.add(new PrefsAttemptRecord(
                new Prefs(node.prefs.dir()), node.clock,
                new java.util.Random(1)).restore(
                java.nio.file.Files.exists(node.paths.updateCompletedMarker())));
          }

          @Override
          public void downloaded(long bytes, long total) {}
        });
    assertThat(seenAtTheEvent).singleElement().satisfies(s -> {
      assertThat(s.operation()).isEqualTo(
          UpdateStatus.UPDATED_NEED_REBOOT);
      assertThat(s.newVersion()).isEqualTo("1.1.0");
      assertThat(s.newSize()).isEqualTo(done.response().size());
      assertThat(s.lastCheckedTime()).isEqualTo(done.checkedAt());
    });
  }
}
