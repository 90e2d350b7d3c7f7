package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.Etcd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/turnout-rebootd} and {@code bin/rebootctl} as a node runs them: a private bus with
 * an update engine stand-in saying UPDATED_NEED_REBOOT and a logind stand-in that records
 * {@code Reboot}, a real etcd v3 (no v2 API), the node's update.conf. The lock is taken before
 * the reboot, kept until the new boot is marked good, then released.
 */
class RebootCoordinatorTest extends RigTest {
  static final String MACHINE_ID = "0123456789abcdef0123456789abcdef";
  Etcd etcd;
  RebootStandIns standIns;

  @BeforeEach
  void node() throws Exception {
    Etcd.require();
    etcd = Etcd.start(dir.resolve("etcd")).awaitReady();
    machine.write("/etc/flatcar/update.conf", "GROUP=stable\nREBOOT_STRATEGY=etcd-lock\n"
        + "LOCKSMITHD_ENDPOINT=" + etcd.endpoint + "\n");
    standIns = new RebootStandIns(bus.address);
  }

  @AfterEach
  void stop() throws Exception {
    if (standIns != null) {
      standIns.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  Proc.Result rebootd() throws Exception {
    return Proc.run(LONG, bus.env(), Repo.bin("turnout-rebootd").toString(), "--root",
        machine.root.toString());
  }

  Proc.Result rebootctl(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(Repo.bin("rebootctl").toString(),
        "-root", machine.root.toString()));
    cmd.addAll(List.of(args));
    return Proc.run(LONG, Map.of(), cmd.toArray(String[]::new));
  }

  @Test
  void theLockIsTakenBeforeTheRebootAndReleasedOnlyAfterTheNewBootIsGood() throws Exception {
    Proc.Result first = rebootd();
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(standIns.reboots).as("logind asked, not interactively").containsExactly(false);
    assertThat(rebootctl("status").out()).isEqualTo("Available: 0\nMax: 1\n\nMACHINE ID\n"
        + MACHINE_ID + "\n");
    assertThat(machine.path("/run/update-engine/coordinator.conf")).content()
        .contains("NAME=turnout-rebootd\n").contains("STRATEGY=etcd-lock\n")
        .contains("STATE=rebooting\n").containsPattern("LOCK_HELD_SINCE=[0-9]+\n");
    Proc.Result json = Proc.run(LONG, bus.env(), tool("update_engine_client").toString(),
        "-status", "-json", "--root", machine.root.toString());
    assertThat(json.out()).as(json.err()).containsPattern("\"reboot_coordinator\":\\{\"name\":"
        + "\"turnout-rebootd\",\"strategy\":\"etcd-lock\",\"state\":\"rebooting\","
        + "\"window\":null,\"lock_held_since\":[0-9]+\\}");
    assertThat(etcd.ctl("get", "coreos.com/updateengine/rebootlock/semaphore",
        "--print-value-only").strip()).isEqualTo("{\"semaphore\":0,\"max\":1,\"holders\":[\""
        + MACHINE_ID + "\"]}");

    // The node comes back on its new slot; until the engine marks it good, the lock stays.
    machine.write("/proc/sys/kernel/random/boot_id", "1a2b3c4d-0000-4000-8000-00000000000b\n");
    standIns.operation = "UPDATE_STATUS_IDLE";
    Proc waiting = Proc.start(dir.resolve("rebootd-2.log"), bus.env(),
        Repo.bin("turnout-rebootd").toString(), "--root", machine.root.toString());
    started.add(waiting);
    waiting.await(LONG, "the coordinator to wait for a good boot",
        l -> l.contains("until the engine marks this boot good"));
    assertThat(rebootctl("status").out()).contains("Available: 0\n");
    machine.write("/var/lib/update_engine/prefs/turnout-marked-good-boot-id",
        "1a2b3c4d-0000-4000-8000-00000000000b");
    assertThat(waiting.waitFor(Duration.ofSeconds(60))).as(waiting.log()).isZero();
    assertThat(rebootctl("status").out()).isEqualTo("Available: 1\nMax: 1\n");
    assertThat(standIns.reboots).as("no second reboot").hasSize(1);
    assertThat(machine.path("/run/update-engine/coordinator.conf")).content()
        .doesNotContain("LOCK_HELD_SINCE");
  }

  @Test
  void rebootctlSpeaksLocksmithctlsLines() throws Exception {
    assertThat(rebootctl("set-max", "3").out()).isEqualTo("Old-Max: 1\nMax: 3\n");
    assertThat(rebootctl("lock").exit()).isZero();
    assertThat(rebootctl("lock", "feedfacefeedfacefeedfacefeedface").exit()).isZero();
    assertThat(rebootctl("status").out()).isEqualTo("Available: 1\nMax: 3\n\nMACHINE ID\n"
        + MACHINE_ID + "\nfeedfacefeedfacefeedfacefeedface\n");
    Proc.Result stale = rebootctl("unlock", "00000000000000000000000000000000");
    assertThat(stale.exit()).isEqualTo(1);
    assertThat(stale.err()).isEqualTo("Error unlocking: holder does not exist\n");
    assertThat(rebootctl("unlock", "feedfacefeedfacefeedfacefeedface").exit()).isZero();
    assertThat(rebootctl("-group", "web", "status").out()).isEqualTo("Available: 1\nMax: 1\n");
    Proc.Result dead = rebootctl("-endpoint", "http://127.0.0.1:" + Etcd.freePort(), "status");
    assertThat(dead.exit()).isEqualTo(1);
    assertThat(dead.err()).startsWith("Error setting value: ").hasLineCount(1);
    Proc.Result bad = rebootctl("set-max", "many");
    assertThat(bad.err()).isEqualTo("Invalid maximum value: many\n");
  }

  @Test
  void aConfigurationErrorIsOneLineAndOffExitsAtOnce() throws Exception {
    machine.write("/etc/flatcar/update.conf", "REBOOT_STRATEGY=etcd-lock\n"
        + "REBOOT_WINDOW_START=04:00\n");
    Proc.Result r = rebootd();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).isEqualTo("turnout-rebootd: Either both or neither $REBOOT_WINDOW_START"
        + " and $REBOOT_WINDOW_LENGTH must be set\n");
    machine.write("/etc/flatcar/update.conf", "REBOOT_STRATEGY=off\n");
    assertThat(rebootd().exit()).isZero();
    assertThat(standIns.reboots).isEmpty();
    assertThat(Files.readString(machine.path("/run/update-engine/coordinator.conf")))
        .contains("STATE=disabled");
  }
}
