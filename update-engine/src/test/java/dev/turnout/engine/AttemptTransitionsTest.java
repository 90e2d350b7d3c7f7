package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an attempt tells its record, in order, for each way an attempt goes: the stage list as
 * {@link Stages#assemble} builds it for the daemon, over the fake node, with a recording record.
 */
class AttemptTransitionsTest {
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

  private EngineStatus attempt() throws Exception {
    if (attempter == null) {
      attempter = node.attempter(node.stages(record), record);
    }
    return Attempts.run(attempter, true);
  }

  @Test
  void aWholeUpdate() throws Exception {
    node.offer(new TestRelease(dir, "1.1.0", 200_000));
    assertThat(attempt().operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(record.transitions()).containsExactly("checking 1.0.0", "checked 1.1.0",
        "planned 1.1.0", "downloadStarted", "transferWorks", "checkpoint", "downloaded",
        "kernelConsumed", "installed 1.1.0 from 1.0.0", "ended updated");
    assertThat(node.record.tally().attempts()).isEqualTo(1);
    assertThat(node.record.tally().bytesDownloaded()).isEqualTo(node.source.bytesServed)
        .isPositive();
  }

  @Test
  void noUpdate() throws Exception {
    node.omaha.answer(TestRelease.noUpdate());
    attempt();
    assertThat(record.transitions()).containsExactly("checking 1.0.0", "checked noupdate",
        "ended no_update");
  }

  @Test
  void aServerErrorFailsTheAttemptBeforeAnythingIsPlanned() throws Exception {
    node.omaha.fail(OmahaException.http(503, "the update server answered HTTP 503", null));
    attempt();
    assertThat(record.transitions()).containsExactly("checking 1.0.0", "failed 2503",
        "ended error");
    assertThat(node.record.lastError().wireCode()).isEqualTo(2503);
    assertThat(node.record.tally().failures()).containsOnlyKeys(2503);
    assertThat(node.record.tally().failures().get(2503).name())
        .isEqualTo("OMAHA_REQUEST_HTTP_RESPONSE");
  }

  @Test
  void aCutDownloadFailsKeepingItsProgressAndTheNextAttemptResumes() throws Exception {
    TestRelease release = new TestRelease(dir, "1.1.0", 1_500_000); // two partition operations
    node.offer(release);
    node.source.cutAfter(1_200_000); // past the first operation
    for (int i = 0; i <= node.tuning.maxRetries(); i++) {
      node.source.cutAfter(0); // the server stops sending: every retry of the attempt fails
    }
    assertThat(attempt().operation()).isEqualTo(UpdateStatus.IDLE);
    assertThat(record.transitions()).containsExactly("checking 1.0.0", "checked 1.1.0",
        "planned 1.1.0", "downloadStarted", "transferWorks", "checkpoint", "failed 9",
        "ended error");
    node.omaha.answer(release.response(FakeNode.CODEBASE));
    assertThat(attempt().operation()).isEqualTo(UpdateStatus.UPDATED_NEED_REBOOT);
    assertThat(record.transitions().subList(8, record.transitions().size())).containsExactly(
        "checking 1.0.0", "checked 1.1.0", "planned 1.1.0 resuming", "downloadStarted resuming",
        "transferWorks", "checkpoint", "downloaded", "kernelConsumed",
        "installed 1.1.0 from 1.0.0", "ended updated");
    assertThat(node.record.tally().attempts()).isEqualTo(2);
    assertThat(node.record.tally().failures().get(9).count()).isEqualTo(1);
  }

  @Test
  void aVersionThatRolledBackIsRefusedAtThePlan() throws Exception {
    node.rolledBackFrom("1.1.0");
    node.offer(new TestRelease(dir, "1.1.0", 8192));
    attempt();
    assertThat(record.transitions()).containsExactly("checking 1.0.0", "checked 1.1.0",
        "planned 1.1.0 refused 36", "failed 36", "ended error");
  }
}
