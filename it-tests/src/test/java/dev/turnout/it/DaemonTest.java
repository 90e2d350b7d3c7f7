package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.labserver.Channel;
import dev.turnout.labserver.LabServer;
import dev.turnout.labserver.RequestLog;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code bin/update_engine} against a temp root, a disk image, the lab Omaha server and a
 * private dbus-daemon, driven with the real {@code bin/update_engine_client} and with busctl and
 * gdbus.
 */
class DaemonTest extends RigTest {
  @Test
  void aFullUpdateLandsInUsrBAndEveryoneHearsAboutIt() throws Exception {
    Release release = serve("3900.0.0", 0);
    daemon("daemon", 3600);
    Proc watch = Proc.start(dir.resolve("watch.log"), bus.env(),
        Repo.bin("update_engine_client").toString(), "-watch_for_updates");
    started.add(watch);
    Thread.sleep(1500); // let the watcher subscribe before the update starts

    Proc.Result idle = client("-status");
    assertThat(idle.exit()).isZero();
    assertThat(idle.out()).isEqualTo("LAST_CHECKED_TIME=0\nPROGRESS=0.000000\n"
        + "CURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n");

    Proc.Result update = client("-update");
    assertThat(update.exit()).as(update.err()).isZero();
    long size = Files.size(release.payload);
    assertThat(update.out()).endsWith("PROGRESS=0.000000\n"
        + "CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=3900.0.0\nNEW_SIZE=" + size
        + "\n");
    Proc.Result status = client("-status");
    assertThat(status.out()).matches("LAST_CHECKED_TIME=\\d{10}\nPROGRESS=0.000000\n"
        + "CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=3900.0.0\nNEW_SIZE=" + size
        + "\n");

    // Bytes on disk and GPT attributes.
    assertThat(machine.usrB(release.image.length)).isEqualTo(release.image);
    assertThat(Files.readAllBytes(machine.path("/boot/flatcar/vmlinuz-b")))
        .isEqualTo(release.kernel);
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(0x0012000000000000L);
    assertThat(machine.entry(3).attributes().raw()).isEqualTo(0x0101000000000000L);
    assertThat(machine.usrAUntouched()).isTrue();
    assertThat(machine.path("/run/reboot-required")).exists();
    assertThat(machine.path("/run/update_engine_autoupdate_completed")).exists();
    assertThat(machine.path("/var/lib/update_engine/prefs/previous-version"))
        .hasContent("3815.2.0");
    assertThat(machine.path("/var/lib/update_engine/prefs/full-response"))
        .content().contains("<manifest version=\"3900.0.0\">");

    // The server heard the check, then 13/1, 14/1 and 3/1, in that order.
    assertThat(eventsHeard()).containsExactly("3/2", "13/1", "14/1", "3/1");

    // The signals arrived in order.
    watch.await(LONG, "the last signal", l -> l.contains("UPDATE_STATUS_UPDATED_NEED_REBOOT"));
    List<String> signals = watch.log().lines().filter(l -> l.contains(" CURRENT_OP=")).toList();
    assertThat(signals).allMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\S+Z LAST_CHECKED_TIME=\\d+"
        + " PROGRESS=\\d\\.\\d{6} CURRENT_OP=UPDATE_STATUS_[A-Z_]+ NEW_VERSION=\\S+ NEW_SIZE=\\d+"));
    List<String> ops = signals.stream().map(l -> l.replaceAll(".* CURRENT_OP=UPDATE_STATUS_(\\S+)"
        + " .*", "$1")).distinct().toList();
    assertThat(ops).containsSubsequence("CHECKING_FOR_UPDATE", "UPDATE_AVAILABLE",
        "DOWNLOADING", "FINALIZING", "UPDATED_NEED_REBOOT");

    // Tools nobody here wrote see the same.
    Proc.Result busctl = Proc.run(LONG, Map.of(), "busctl", "--address=" + bus.address, "call",
        "com.coreos.update1", "/com/coreos/update1", "com.coreos.update1.Manager", "GetStatus");
    assertThat(busctl.out()).as(busctl.err()).matches("xdssx \\d+ 0 "
        + "\"UPDATE_STATUS_UPDATED_NEED_REBOOT\" \"3900.0.0\" " + size + "\n");
    Proc.Result introspect = Proc.run(LONG, Map.of(), "busctl", "--address=" + bus.address,
        "introspect", "com.coreos.update1", "/com/coreos/update1", "com.coreos.update1.Manager");
    assertThat(introspect.out()).contains(".AttemptUpdate").contains(".GetStatus")
        .contains(".ResetStatus").contains(".StatusUpdate").contains("xdssx");

    // ResetStatus (with gdbus) goes back to IDLE and removes the marker; the GPT stays.
    Proc.Result reset = Proc.run(LONG, Map.of(), "gdbus", "call", "--address", bus.address,
        "--dest", "com.coreos.update1", "--object-path", "/com/coreos/update1", "--method",
        "com.coreos.update1.Manager.ResetStatus");
    assertThat(reset.exit()).as(reset.err()).isZero();
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    assertThat(machine.path("/run/update_engine_autoupdate_completed")).doesNotExist();
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(0x0012000000000000L);
  }

  private void hook(String dir, String name, String script) throws Exception {
    Path p = machine.path(dir + "/" + name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "#!/bin/sh\n" + script + "\n");
    p.toFile().setExecutable(true);
  }

  @Test
  void aFailingPostinstallHookFailsTheUpdateAndTheTargetStaysUnbootable() throws Exception {
    serve("3900.0.0", 0);
    hook("/etc/turnout/postinst.d", "10-record", "echo \"$1 $2\" > " + dir.resolve("hook-args"));
    hook("/usr/lib/turnout/postinst.d", "20-fail", "echo 'no room for the OEM sysext' >&2; exit 1");
    Proc d = daemon("daemon", 3600);
    assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
    d.await(LONG, "the failure", l -> l.contains("update failed with error 5"));
    assertThat(d.log()).contains("no room for the OEM sysext");
    assertThat(dir.resolve("hook-args")).hasContent(machine.disk + "4 3900.0.0");
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    assertThat(machine.entry(4).attributes().priority()).isZero();
    assertThat(machine.entry(4).attributes().tries()).isZero();
    assertThat(eventsHeard()).containsExactly("3/2", "13/1", "14/1", "3/0:268435461");
    assertThat(machine.path("/run/update_engine_autoupdate_completed")).doesNotExist();
  }

  @Test
  void aBootIsMarkedGoodOnlyWhenTheHealthChecksPass() throws Exception {
    machine.server("disabled");
    hook("/etc/turnout/health.d", "kubelet", "test -e " + dir.resolve("healthy"));
    // A fresh update of USR-B is booting: P2 T0 S0, tries already spent by the bootloader.
    try (var disk = dev.turnout.gpt.GptDisk.open(machine.disk, true)) {
      disk.markActive(4);
      disk.selectNext();
    }
    machine.write("/proc/cmdline", "mount.usr=PARTUUID=" + Machine.USR_B + "\n");
    Proc sick = daemon("sick", 1);
    sick.await(LONG, "the health check", l -> l.contains("is NOT marked good"));
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(0x0002000000000000L);
    sick.close();

    Files.createFile(dir.resolve("healthy"));
    Proc well = daemon("well", 1);
    well.await(LONG, "the marking", l -> l.contains("(USR-B) good"));
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(0x0102000000000000L);
    assertThat(machine.entry(3).attributes().raw()).isEqualTo(0x0101000000000000L);
    Proc.Result slots = client("-slots", "--root", machine.root.toString(), "--disk",
        machine.disk.toString());
    assertThat(slots.out()).contains("B      USR-B    4         2         0      yes         "
        + "booted, next boot\n");
    assertThat(client("-status", "-json").out()).startsWith("{\"last_checked_time\":0,");
  }

  @Test
  void aCurrentMachineGetsNoUpdate() throws Exception {
    serve("3815.2.0", 0);
    daemon("daemon", 3600);
    Proc.Result update = client("-update");
    assertThat(update.exit()).isZero();
    assertThat(client("-status").out()).matches("LAST_CHECKED_TIME=\\d{10}\nPROGRESS=0.000000\n"
        + "CURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n");
    assertThat(machine.entry(4).attributes().raw()).isZero();
    assertThat(eventsHeard()).containsExactly("3/2");
  }

  @Test
  void aServerThatIsDownLeavesTheMachineUntouched() throws Exception {
    machine.server("http://127.0.0.1:9/v1/update/");
    Proc d = daemon("daemon", 3600);
    Proc.Result update = client("-update");
    assertThat(update.exit()).isEqualTo(1);
    assertThat(update.err()).contains("Update failed: error 2000 (OMAHA_REQUEST_HTTP_RESPONSE):"
        + " update check: no response from http://127.0.0.1:9/v1/update/");
    assertThat(client("-status").out()).contains("LAST_CHECKED_TIME=0\n")
        .contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    d.await(LONG, "the failure", l -> l.contains("update failed with error 2000"));
    assertThat(machine.entry(4).attributes().raw()).isZero();
    assertThat(machine.usrAUntouched()).isTrue();
  }

  @Test
  void aRestartInTheMiddleResumesTheDownload() throws Exception {
    Release release = serve("3900.0.0", 600_000);
    Proc first = daemon("daemon-1", 3600);
    assertThat(client("-check_for_update").exit()).isZero();
    Path nextOp = awaitCheckpoint();
    assertThat(Long.parseLong(Files.readString(nextOp).strip())).isPositive();
    first.kill();
    assertThat(machine.entry(4).attributes().priority()).as("target unbootable meanwhile")
        .isZero();

    lab.rateLimit(0);
    daemon("daemon-2", 3600);
    Proc.Result update = client("-update");
    assertThat(update.exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    assertThat(machine.usrB(release.image.length)).isEqualTo(release.image);
    assertThat(machine.entry(4).attributes().raw()).isEqualTo(0x0012000000000000L);

    List<String> ranges = lab.log().entries().stream()
        .filter(n -> "download".equals(n.path("kind").asText()) && n.has("range"))
        .map(n -> n.path("range").asText()).toList();
    assertThat(ranges).as("metadata again, then the rest from the checkpoint").hasSize(2);
    assertThat(ranges.get(0)).matches("bytes=0-\\d+");
    assertThat(ranges.get(1)).matches("bytes=[1-9]\\d*-");
    assertThat(eventsHeard()).containsSubsequence("13/1", "13/1", "14/1", "3/1");
  }
}
