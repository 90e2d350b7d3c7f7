package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files monitoring reads, written by the monitor over the fake node's attempter. */
class MonitorTest {
  @TempDir Path dir;
  FakeNode node;
  UpdateAttempter attempter;
  Monitor monitor;

  static NodeReport fresh() {
    return new NodeReport(EngineStatus.idle(0), "1.0.0", "stable", "", AttemptOutcome.NONE,
        new AttemptRecord.Tally(0, new TreeMap<>(), 0, 0), List.of(), Map.of(), "", Map.of());
  }

  @BeforeEach
  void setUp() throws Exception {
    node = new FakeNode(dir);
  }

  /** The attempter over the node as the test set it up, with the monitor listening. */
  private void start() {
    attempter = node.attempter(node.stages());
    monitor = new Monitor(node.paths, node.params, node.slots, node.disks, node.record,
        attempter::status, attempter::lastError);
    attempter.addListener(monitor::statusChanged);
  }

  @AfterEach
  void tearDown() {
    if (attempter != null) {
      attempter.close();
    }
  }

  private Path statusFile() {
    return node.paths.resolve(Monitor.STATUS_FILE);
  }

  private void attempt() throws Exception {
    Attempts.run(attempter, true);
  }

  @Test
  void aFreshNodeSaysIdleWithItsSlotsAndNoMetricsUnlessAsked() throws Exception {
    start();
    monitor.refresh();
    assertThat(Files.readAllLines(statusFile())).contains("STATUS=UPDATE_STATUS_IDLE",
        "CURRENT_VERSION=1.0.0", "GROUP=stable", "STAGED_VERSION=", "REBOOT_PENDING=0",
        "LAST_ERROR_CODE=0", "ATTEMPTS=0", "SLOT_A_PARTITION=3", "SLOT_B_PARTITION=4",
        "BOOTED_SLOT=A");
    try (var files = Files.list(statusFile().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("status");
    }
  }

  @Test
  void anInstalledUpdateShowsInBothFiles() throws Exception {
    Path prom = node.paths.resolve("/var/lib/node_exporter/textfile_collector/turnout.prom");
    Files.createDirectories(prom.getParent());
    node.write("/etc/flatcar/update.conf", "SERVER=" + FakeNode.SERVER + "\nGROUP=beta\n"
        + "METRICS_TEXTFILE=/var/lib/node_exporter/textfile_collector/turnout.prom\n");
    node.offer(new TestRelease(dir, "1.1.0", 8192));
    start();
    attempt();
    assertThat(Files.readAllLines(statusFile())).contains(
        "STATUS=UPDATE_STATUS_UPDATED_NEED_REBOOT", "GROUP=beta", "STAGED_VERSION=1.1.0",
        "REBOOT_PENDING=1", "ATTEMPTS=1", "NEXT_BOOT_SLOT=B", "SLOT_B_TRIES=1",
        "SLOT_B_SUCCESSFUL=0");
    assertThat(Files.readAllLines(prom)).contains("turnout_reboot_pending 1",
        "turnout_attempts_total 1",
        "turnout_info{version=\"1.0.0\",group=\"beta\",staged_version=\"1.1.0\"} 1",
        "turnout_status{status=\"updated_need_reboot\"} 1");
    try (var files = Files.list(prom.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("turnout.prom");
    }
  }

  @Test
  void aFailedAttemptIsVisibleWithItsCode() throws Exception {
    node.omaha.fail(OmahaException.http(503,
        "the update server answered HTTP 503", null));
    start();
    attempt();
    assertThat(Files.readAllLines(statusFile())).contains("STATUS=UPDATE_STATUS_IDLE",
        "LAST_ERROR_CODE=2503", "LAST_ERROR_NAME=OMAHA_REQUEST_HTTP_RESPONSE",
        "LAST_ERROR_MESSAGE=\"update check: the update server answered HTTP 503\"", "ATTEMPTS=1",
        "FAILURES=1");
  }

  @Test
  void aMetricsPathThatCannotBeWrittenNeverStopsTheStatusFile() throws Exception {
    node.write("/etc/flatcar/update.conf", "SERVER=" + FakeNode.SERVER + "\n"
        + "METRICS_TEXTFILE=/var/lib/node_exporter/missing/turnout.prom\n");
    start();
    monitor.refresh();
    assertThat(statusFile()).exists();
    assertThat(node.paths.resolve("/var/lib/node_exporter")).doesNotExist();
    node.write("/etc/flatcar/update.conf", "SERVER=" + FakeNode.SERVER + "\n"
        + "METRICS_TEXTFILE=turnout.prom\n");
    monitor.refresh();
    assertThat(node.paths.resolve("/turnout.prom")).doesNotExist();
  }
}
