package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The operator's loop on the real launchers (daemon, client, cgpt), a private bus, a disk image
 * and the lab server: rollback by hand with each unsafe case refused, and the files monitoring
 * reads.
 */
class OperatorLoopTest extends RigTest {

  @Test
  void rollbackRefusesEachUnsafeCaseAndGoesBackWhenSafe() throws Exception {
    Release release = serve("3900.0.0", 0);
    Proc onA = daemon("on-a", 3600);
    // Nothing healthy in USR-B yet.
    Proc.Result r = client("-rollback");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("update_engine_client: cannot roll back: USR-B (partition 4)"
        + " is not marked successful: it holds no release that booted healthy (priority 0,"
        + " tries 0)\n");
    r = client("-dry_run");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("update_engine_client: -dry_run goes with -rollback\n");
    // An update awaiting its reboot is not rolled back over.
    assertThat(client("-update").exit()).isZero();
    r = client("-rollback", "-dry_run");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("update_engine_client: cannot roll back: an update to"
        + " 3900.0.0 awaits its reboot; update_engine_client -reset_status first");
    onA.close();
    started.remove(onA);

    // The reboot into USR-B, which comes up healthy and is marked good.
    String next = cgptNext();
    assertThat(next).isEqualTo(Machine.USR_B.toString());
    machine.boot(next, "3900.0.0", release.image);
    Proc onB = daemon("on-b", 1);
    onB.await(LONG, "the marking", l -> l.contains("good: successful=1 tries=0"));
    long tableB = machine.entry(4).attributes().raw();
    long tableA = machine.entry(3).attributes().raw();

    // USR-A is marked successful, but its kernel is not in /boot.
    r = client("-rollback");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("update_engine_client: cannot roll back: no kernel for USR-A"
        + " at " + machine.path("/boot/flatcar/vmlinuz-a") + "\n");
    machine.write("/boot/flatcar/vmlinuz-a", "the kernel of 3815.2.0");

    r = client("-rollback", "-dry_run");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Would roll back to USR-A (partition 3, " + machine.disk
        + "3), version 3815.2.0; nothing changed.\n");
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(tableB);
    assertThat(machine.entry(3).attributes().raw()).isEqualTo(tableA);

    r = client("-rollback");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("Rolled back to USR-A (partition 3, " + machine.disk
        + "3), version 3815.2.0: it boots next. Reboot to use it.\n");
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n"
        + "NEW_VERSION=3815.2.0\n");
    assertThat(machine.entry(4).attributes().successful()).as("B stays a good fallback")
        .isTrue();
    assertThat(Files.readAllLines(machine.path("/run/update-engine/status")))
        .contains("NEXT_BOOT_SLOT=A", "BOOTED_SLOT=B", "REBOOT_PENDING=1");
    onB.close();
    started.remove(onB);

    // The reboot: USR-A comes up; the first check reports the rollback (3/0, error 44) and
    // 3900.0.0, which the server still offers, is held back (36) instead of reinstalled.
    next = cgptNext();
    assertThat(next).isEqualTo(Machine.USR_A.toString());
    machine.boot(next, "3815.2.0", machine.usrA);
    Proc back = daemon("back-on-a", 3600);
    assertThat(client("-update").exit()).isEqualTo(1);
    back.await(LONG, "the refusal", l -> l.contains("update failed with error 36"));
    assertThat(eventsHeard()).containsSubsequence("3/1", "3/0:44", "3/9:" + ((1 << 28) | 36));
    assertThat(machine.entry(4).attributes().successful()).as("3900.0.0 is kept in USR-B")
        .isTrue();
    assertThat(machine.usrAUntouched()).isTrue();
  }

  /** logind on the test bus, recording each reboot asked of it. */
  private java.util.List<Boolean> logind() throws Exception {
    java.util.List<Boolean> reboots = new java.util.concurrent.CopyOnWriteArrayList<>();
    started.add(RebootStandIns.logind(bus.address, reboots));
    return reboots;
  }

  /** systemd runs the machine, with Turnout's health-gate unit installed. */
  private void underSystemd() throws Exception {
    Files.createDirectories(machine.path("/run/systemd/system"));
    machine.write("/usr/lib/systemd/system/turnout-boot-complete.service", Files.readString(
        Repo.ROOT.resolve("systemd/units/turnout-boot-complete.service")));
  }

  /** 3900.0.0 installed from USR-A, and the reboot into USR-B: its first boot. */
  private Release firstBootOfAnUpdate() throws Exception {
    Release release = serve("3900.0.0", 0);
    Proc onA = daemon("on-a", 3600);
    assertThat(client("-update").exit()).isZero();
    onA.close();
    started.remove(onA);
    String next = cgptNext();
    assertThat(next).isEqualTo(Machine.USR_B.toString());
    machine.boot(next, "3900.0.0", release.image);
    underSystemd();
    return release;
  }

  @Test
  void theNewSlotIsMarkedGoodOnlyOnceBootCompleteTargetIsReached() throws Exception {
    firstBootOfAnUpdate();
    Proc onB = daemon("on-b", 1);
    onB.await(LONG, "the wait", l -> l.contains("boot-complete.target not reached yet"));
    assertThat(machine.entry(4).attributes().successful()).isFalse();
    Proc.Result check = client("-update");
    assertThat(check.exit()).isEqualTo(1);
    assertThat(check.err()).contains("error 36").contains("the booted USR-B is not marked good"
        + " (boot-complete.target has not been reached yet)");
    assertThat(eventsHeard()).as("refused before the request: the 3/2 report waits for a"
        + " good boot").containsExactly("3/2", "13/1", "14/1", "3/1", "3/9:" + ((1 << 28) | 36));
    assertThat(client("-boot_complete").exit()).isZero();
    onB.await(LONG, "the marking", l -> l.contains("(USR-B) good"));
    assertThat(machine.entry(4).attributes().successful()).isTrue();
    assertThat(machine.entry(4).attributes().tries()).isZero();
  }

  @Test
  void aFailedHealthUnitFallsBackOnceAndTheVersionIsHeldBack() throws Exception {
    firstBootOfAnUpdate();
    java.util.List<Boolean> reboots = logind();
    Proc onB = daemon("on-b", 1);
    Proc.Result said = client("-boot_failed",
        "boot-complete.target was not reached; failed units: app-health.service");
    assertThat(said.exit()).as(said.err()).isZero();
    onB.await(LONG, "the fall back", l -> l.contains("falling back to USR-A (3815.2.0)"));
    onB.await(LONG, "the reboot", l -> l.contains("asking logind to reboot now"));
    long end = System.nanoTime() + LONG.toNanos();
    while (reboots.isEmpty() && System.nanoTime() < end) {
      Thread.sleep(20);
    }
    assertThat(reboots).containsExactly(false);
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n"
        + "NEW_VERSION=3815.2.0\n");
    assertThat(Files.readAllLines(machine.path("/run/update-engine/status"))).contains(
        "LAST_ERROR_CODE=67", "LAST_ERROR_NAME=BOOT_HEALTH_FAILED", "NEXT_BOOT_SLOT=A");
    assertThat(eventsHeard()).endsWith("3/0:67");
    assertThat(machine.entry(4).attributes().successful()).isFalse();
    assertThat(machine.entry(3).attributes().successful()).as("the old slot").isTrue();

    // A daemon started again in this boot, told again: no second reboot.
    onB.close();
    started.remove(onB);
    Proc again = daemon("on-b-again", 1);
    assertThat(client("-boot_failed", "again").exit()).isZero();
    again.await(LONG, "the kept verdict", l -> l.contains("this boot's health checks failed"
        + " earlier; kept as they were"));
    Thread.sleep(1000);
    assertThat(reboots).as("once per boot").hasSize(1);
    again.close();
    started.remove(again);

    // gptprio.next falls back to USR-A; its first check reports the rollback and 3900.0.0,
    // still offered, is held back rather than installed again: no loop.
    String next = cgptNext();
    assertThat(next).isEqualTo(Machine.USR_A.toString());
    machine.boot(next, "3815.2.0", machine.usrA);
    Proc back = daemon("back-on-a", 1);
    assertThat(client("-boot_complete").exit()).isZero();
    assertThat(client("-update").exit()).isEqualTo(1);
    back.await(LONG, "the refusal", l -> l.contains("update failed with error 36"));
    assertThat(eventsHeard()).containsSubsequence("3/0:67", "3/0:44", "3/9:" + ((1 << 28) | 36));
    assertThat(reboots).hasSize(1);
    assertThat(machine.usrAUntouched()).isTrue();
  }

  @Test
  void aNewerReleaseReplacesTheStagedOneAndAKillOnTheWayLeavesTheGoodSlotBooting()
      throws Exception {
    serve("3900.0.0", 0);
    Proc first = daemon("first", 3600);
    assertThat(client("-update").exit()).isZero();
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(0x0012000000000000L);
    long tableA = machine.entry(3).attributes().raw();

    // The server moves on to 3901.0.0 (slowly, to be caught in the middle): the waiting node
    // checks again, gives up 3900.0.0 and writes 3901.0.0 into USR-B.
    Release newer = serve("3901.0.0", 400_000);
    assertThat(client("-check_for_update").exit()).isZero();
    first.await(LONG, "the re-stage", l -> l.contains("re-staging: 3901.0.0 replaces 3900.0.0,"
        + " staged in USR-B"));
    awaitCheckpoint();
    first.kill();
    started.remove(first);
    // A power cut now: nothing is staged, the reboot would boot USR-A, untouched.
    assertThat(machine.path("/run/update_engine_autoupdate_completed")).doesNotExist();
    assertThat(machine.entry(4).attributes().priority()).as("USR-B out of the rotation").isZero();
    assertThat(machine.entry(3).attributes().raw()).isEqualTo(tableA);
    assertThat(machine.usrAUntouched()).isTrue();
    assertThat(cgptNext()).isEqualTo(Machine.USR_A.toString());

    // Started again, the daemon says nothing is staged and resumes 3901.0.0 on the next check.
    Proc second = daemon("second", 3600);
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n"
        + "NEW_VERSION=3901.0.0\n");
    assertThat(lab.log().entries().stream().anyMatch(n -> n.path("range").asText()
        .matches("bytes=[1-9]\\d*-"))).as("resumed").isTrue();
    assertThat(machine.usrB(newer.image.length)).isEqualTo(newer.image);
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(0x0012000000000000L);
    assertThat(machine.usrAUntouched()).isTrue();
    assertThat(Files.readAllLines(machine.path("/run/update-engine/status")))
        .contains("STAGED_VERSION=3901.0.0");
    // Killed while it waits: started again, it still says 3901.0.0 is staged.
    second.kill();
    started.remove(second);
    daemon("third", 3600);
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n"
        + "NEW_VERSION=3901.0.0\n");
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
  }

  @Test
  void monitoringSeesTheStatusTheErrorsAndTheSlots() throws Exception {
    serve("3900.0.0", 0);
    Path prom = machine.path("/var/lib/node_exporter/textfile_collector/turnout.prom");
    Files.createDirectories(prom.getParent());
    machine.write("/etc/flatcar/update.conf", Files.readString(machine.path(
        "/etc/flatcar/update.conf")) + "METRICS_TEXTFILE=/var/lib/node_exporter/"
        + "textfile_collector/turnout.prom\n");
    Proc d = daemon("daemon", 3600);
    Path status = machine.path("/run/update-engine/status");
    assertThat(Files.readAllLines(status)).contains("STATUS=UPDATE_STATUS_IDLE",
        "CURRENT_VERSION=3815.2.0", "BOOTED_SLOT=A", "ATTEMPTS=0");
    assertThat(client("-update").exit()).isZero();
    assertThat(Files.readAllLines(status)).contains("STATUS=UPDATE_STATUS_UPDATED_NEED_REBOOT",
        "STAGED_VERSION=3900.0.0", "NEXT_BOOT_SLOT=B", "ATTEMPTS=1", "LAST_ERROR_CODE=0");
    assertThat(Files.readAllLines(prom)).contains("turnout_reboot_pending 1",
        "turnout_attempts_total 1", "turnout_status{status=\"updated_need_reboot\"} 1");
    assertThat(Files.readString(prom)).containsPattern("turnout_downloaded_bytes_total [1-9]");
    if (Files.isExecutable(Path.of("/usr/bin/promtool")) || "true".equals(System.getenv("CI"))) {
      Proc.Result lint = Proc.run(LONG, Map.of(), "sh", "-c", "promtool check metrics < "
          + prom);
      assertThat(lint.out() + lint.err()).as("promtool on the daemon's file").isEmpty();
      assertThat(lint.exit()).isZero();
    }
    d.close();
    started.remove(d);

    // A server that is down: the next check fails (no HTTP answer: 2000, as update_engine), and
    // both files say with what.
    machine.server("http://127.0.0.1:9/v1/update/");
    machine.write("/etc/flatcar/update.conf", Files.readString(machine.path(
        "/etc/flatcar/update.conf")) + "METRICS_TEXTFILE=/var/lib/node_exporter/"
        + "textfile_collector/turnout.prom\n");
    Files.deleteIfExists(machine.path("/run/update_engine_autoupdate_completed"));
    daemon("again", 3600);
    assertThat(client("-update").exit()).isEqualTo(1);
    assertThat(Files.readAllLines(status)).contains("STATUS=UPDATE_STATUS_IDLE",
        "LAST_ERROR_CODE=2000", "LAST_ERROR_NAME=OMAHA_REQUEST_HTTP_RESPONSE", "ATTEMPTS=2",
        "FAILURES=1");
    assertThat(Files.readAllLines(prom)).contains("turnout_last_error_code 2000",
        "turnout_failures_total{code=\"2000\",name=\"OMAHA_REQUEST_HTTP_RESPONSE\"} 1",
        "turnout_attempts_total 2");
  }
}
