package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeReportTest {
  @TempDir Path dir;

  static NodeReport staged() {
    TreeMap<Integer, AttemptRecord.Tally.Failures> failures = new TreeMap<>();
    failures.put(9, new AttemptRecord.Tally.Failures("DOWNLOAD_TRANSFER_ERROR", 2));
    failures.put(2503, new AttemptRecord.Tally.Failures("OMAHA_REQUEST_HTTP_RESPONSE", 1));
    Map<String, String> ext = new LinkedHashMap<>();
    ext.put("oem-qemu", "present");
    ext.put("docker-flatcar", "missing");
    return new NodeReport(new EngineStatus(1_764_000_000L, 0.0,
        UpdateStatus.UPDATED_NEED_REBOOT, "1.1.0", 4096),
        "1.0.0", "stable", "1.1.0",
        new AttemptOutcome(2, AttemptOutcome.Result.ERROR, 1_763_990_000L,
            ErrorCode.DOWNLOAD_TRANSFER_ERROR, 9, "downloading \"x\" failed:\nreset $HOME"),
        new AttemptRecord.Tally(4, failures, 123_456, 1_764_000_100L),
        List.of(new NodeReport.Slot("A", "USR-A", 3, 1, 0, true, true, false),
            new NodeReport.Slot("B", "USR-B", 4, 2, 1, false, false, true)),
        ext, "1.1.0", Map.of("oem-qemu", "present", "docker-flatcar", "present"));
  }

  @Test
  void theStatusFileIsOneSourceableLinePerKey() {
    String file = staged().statusFile();
    assertThat(file.lines()).startsWith(
        "STATUS=UPDATE_STATUS_UPDATED_NEED_REBOOT",
        "CURRENT_VERSION=1.0.0",
        "GROUP=stable",
        "NEW_VERSION=1.1.0",
        "STAGED_VERSION=1.1.0",
        "REBOOT_PENDING=1",
        "LAST_CHECKED_TIME=1764000000",
        "LAST_SUCCESS_TIME=1764000100",
        "LAST_ERROR_CODE=9",
        "LAST_ERROR_NAME=DOWNLOAD_TRANSFER_ERROR",
        "LAST_ERROR_MESSAGE=\"downloading \\\"x\\\" failed: reset \\$HOME\"",
        "LAST_ERROR_TIME=1763990000",
        "ATTEMPTS=4",
        "FAILURES=3",
        "DOWNLOADED_BYTES=123456",
        "SLOT_A_PARTITION=3",
        "SLOT_A_PRIORITY=1",
        "SLOT_A_TRIES=0",
        "SLOT_A_SUCCESSFUL=1",
        "SLOT_B_PARTITION=4",
        "SLOT_B_PRIORITY=2",
        "SLOT_B_TRIES=1",
        "SLOT_B_SUCCESSFUL=0",
        "BOOTED_SLOT=A",
        "NEXT_BOOT_SLOT=B",
        "EXTENSIONS=\"oem-qemu:present docker-flatcar:missing\"",
        "NEXT_EXTENSIONS_VERSION=1.1.0");
    assertThat(file).endsWith("\n");
  }

  @Test
  void aShellReadsTheStatusFileBack() throws Exception {
    Path f = Files.writeString(dir.resolve("status"), staged().statusFile());
    Process p = new ProcessBuilder("sh", "-c", ". \"$0\" && printf '%s|%s|%s' \"$STATUS\""
        + " \"$LAST_ERROR_MESSAGE\" \"$EXTENSIONS\"", f.toString()).start();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo(
        "UPDATE_STATUS_UPDATED_NEED_REBOOT|downloading \"x\" failed: reset $HOME"
            + "|oem-qemu:present docker-flatcar:missing");
  }

  @Test
  void theMetricsFollowPrometheusConventions() {
    String m = staged().metrics();
    assertThat(m.lines()).contains(
        "turnout_info{version=\"1.0.0\",group=\"stable\",staged_version=\"1.1.0\"} 1",
        "turnout_status{status=\"updated_need_reboot\"} 1",
        "turnout_status{status=\"idle\"} 0",
        "turnout_last_check_timestamp_seconds 1764000000",
        "turnout_last_success_timestamp_seconds 1764000100",
        "turnout_last_error_code 9",
        "turnout_attempts_total 4",
        "turnout_failures_total{code=\"9\",name=\"DOWNLOAD_TRANSFER_ERROR\"} 2",
        "turnout_failures_total{code=\"2503\",name=\"OMAHA_REQUEST_HTTP_RESPONSE\"} 1",
        "turnout_downloaded_bytes_total 123456",
        "turnout_slot_priority{slot=\"B\",label=\"USR-B\",booted=\"false\"} 2",
        "turnout_slot_tries{slot=\"B\",label=\"USR-B\",booted=\"false\"} 1",
        "turnout_slot_successful{slot=\"A\",label=\"USR-A\",booted=\"true\"} 1",
        "turnout_reboot_pending 1",
        "# TYPE turnout_attempts_total counter",
        "# HELP turnout_reboot_pending 1 when an installed update waits for a reboot.");
    // Every sample has its HELP and TYPE before it.
    for (String line : m.lines().filter(l -> !l.startsWith("#")).toList()) {
      String name = line.split("[{ ]")[0];
      assertThat(m).contains("# HELP " + name + " ").contains("# TYPE " + name + " ");
    }
  }

  @Test
  void promtoolAcceptsTheMetrics() throws Exception {
    Path promtool = Path.of("/usr/bin/promtool");
    if (!"true".equals(System.getenv("CI"))) {
      Assumptions.assumeTrue(Files.isExecutable(promtool),
          "promtool not installed (Debian's prometheus package)");
    }
    for (NodeReport r : List.of(staged(), MonitorTest.fresh())) {
      Process p = new ProcessBuilder(promtool.toString(), "check", "metrics")
          .redirectErrorStream(true).start();
      p.getOutputStream().write(r.metrics().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes());
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(out).as("promtool's findings").isEmpty();
      assertThat(p.exitValue()).isZero();
    }
  }
}
