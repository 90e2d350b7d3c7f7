package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a user of update_engine_client and update_engine reads, through the launchers in bin/:
 * exit statuses and the exact lines.
 */
class ToolsTest extends RigTest {
  private static String lastLine(String text) {
    String[] l = text.strip().split("\n");
    return l[l.length - 1];
  }

  @Test
  void updateSaysWhatHappenedAndExitsAsScriptsExpect() throws Exception {
    Release release = serve("3900.0.0", 0);
    // The machine trusts another key than the one the release is signed with.
    Proc.Result keygen = Proc.run(LONG, Map.of(), Repo.bin("payload").toString(), "keygen",
        "--out", dir.resolve("other.pem").toString(), "--public-out",
        dir.resolve("other.pub.pem").toString());
    assertThat(keygen.exit()).as(keygen.err()).isZero();
    Files.copy(dir.resolve("other.pub.pem"), machine.path(
        "/usr/share/update_engine/update-payload-key.pub.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    daemon("untrusting", 3600);
    Proc.Result failed = client("-update");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.out()).endsWith("CURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\n"
        + "NEW_SIZE=0\n");
    assertThat(lastLine(failed.err())).startsWith("Update failed: error 18"
        + " (DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR): ");
    JsonNode status = new ObjectMapper().readTree(client("-status", "-json").out());
    assertThat(status.path("last_error").path("code").asInt()).isEqualTo(18);
    assertThat(status.path("last_error").path("message").asText()).isNotEmpty();
    assertThat(status.path("checks_disabled").isNull()).isTrue();

    machine.server("disabled");
    Proc.Result disabled = client("-update");
    assertThat(disabled.exit()).isEqualTo(1);
    assertThat(lastLine(disabled.err())).isEqualTo("Update failed: update checks are disabled:"
        + " SERVER=disabled in " + machine.path("/etc/flatcar/update.conf"));
    assertThat(new ObjectMapper().readTree(client("-status", "-json").out())
        .path("checks_disabled").asText()).startsWith("SERVER=disabled in ");
    assertThat(release).isNotNull();
  }

  @Test
  void updateWithNothingNewAndAnInstalledUpdateExitZero() throws Exception {
    Release release = serve("3815.2.0", 0); // the running version: noupdate
    daemon("daemon", 3600);
    Proc.Result none = client("-update");
    assertThat(none.exit()).isZero();
    assertThat(lastLine(none.err())).isEqualTo("No update available.");
    release = serve("3900.0.0", 0);
    Proc.Result ok = client("-update");
    assertThat(ok.exit()).isZero();
    assertThat(lastLine(ok.err())).isEqualTo("Update succeeded -- reboot needed.");
    // -status answers in one round trip of its own; -status -json goes through dbus-java, the
    // reference it is held against: the same five values.
    String lines = client("-status").out();
    JsonNode viaDbusJava = new ObjectMapper().readTree(client("-status", "-json").out());
    assertThat(lines).isEqualTo("LAST_CHECKED_TIME=" + viaDbusJava.path("last_checked_time")
        .asLong() + "\nPROGRESS=0.000000\nCURRENT_OP=" + viaDbusJava.path("current_operation")
        .asText() + "\nNEW_VERSION=" + viaDbusJava.path("new_version").asText() + "\nNEW_SIZE="
        + viaDbusJava.path("new_size").asLong() + "\n");
    assertThat(lines).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n")
        .contains("NEW_VERSION=3900.0.0\n").doesNotContain("LAST_CHECKED_TIME=0\n");
    Proc.Result reset = client("-reset_status", "--root", machine.root.toString(), "--disk",
        machine.disk.toString());
    assertThat(reset.exit()).isZero();
    assertThat(reset.err()).isEqualTo("ResetStatus succeeded; to undo partition table changes"
        + " run:\ncgpt prioritize -i 3 " + machine.disk + "    # USR-A, the running system\n");
    Invariant.check(this, A_GOOD, release);
  }

  @Test
  void withoutADaemonOrABusTheClientSaysSoWithinThreeSeconds() throws Exception {
    for (Map<String, String> env : new Map[] {bus.env(), Map.of("DBUS_SYSTEM_BUS_ADDRESS",
        "unix:path=" + dir.resolve("no-such-socket"))}) {
      long start = System.nanoTime();
      Proc.Result r = Proc.run(LONG, env, Repo.bin("update_engine_client").toString(),
          "-status");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      assertThat(r.exit()).isEqualTo(1);
      String address = env.get("DBUS_SYSTEM_BUS_ADDRESS");
      assertThat(r.err()).startsWith("update_engine_client: cannot reach update_engine"
          + " (com.coreos.update1) on the system bus at " + address + ": ")
          .contains("Is update-engine.service running?")
          .endsWith("DBUS_SYSTEM_BUS_ADDRESS=" + address + "\n")
          .doesNotContain("Exception");
    }
  }

  @Test
  void slotsAsJsonJsonAloneAndVersions() throws Exception {
    JsonNode slots = new ObjectMapper().readTree(client("-slots", "-json", "--root",
        machine.root.toString(), "--disk", machine.disk.toString()).out());
    assertThat(slots.path("disk").asText()).isEqualTo(machine.disk.toString());
    assertThat(slots.path("slots")).hasSize(2);
    assertThat(slots.path("slots").get(0).path("label").asText()).isEqualTo("USR-A");
    assertThat(slots.path("slots").get(0).path("booted").asBoolean()).isTrue();
    assertThat(slots.path("slots").get(1).path("bootable").asBoolean()).isFalse();
    Proc.Result alone = client("-json");
    assertThat(alone.exit()).isEqualTo(1);
    assertThat(alone.err()).isEqualTo("update_engine_client: -json goes with -status, -slots or"
        + " -extensions\n");
    // the version from the jar's manifest, also where picocli's classes are loaded apart
    assertThat(client("--version").out())
        .matches("update_engine_client \\(Turnout\\) \\d+\\.\\d+\\.\\d+\\S*\n");
    assertThat(Proc.run(LONG, Map.of(), Repo.bin("update_engine").toString(), "--version").out())
        .matches("update_engine \\(Turnout\\) \\d+\\.\\d+\\.\\d+\\S*\n");
  }

  @Test
  void theDaemonRefusesABadDiskAtOnceAndNamesATypoInServer() throws Exception {
    for (String[] c : new String[][] {{dir.resolve("nope.img").toString(), "no such file"},
        {dir.toString(), "a directory, not a disk"}}) {
      Proc.Result r = Proc.run(LONG, bus.env(), Repo.bin("update_engine").toString(),
          "--root", machine.root.toString(), "--disk", c[0]);
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err()).isEqualTo("update_engine: cannot start: --disk " + c[0] + ": " + c[1]
          + (c[1].startsWith("no such") ? " or device" : "") + "\n");
    }
    machine.server("htps://typo.example/v1/update/");
    Proc d = daemon("daemon", 3600, Map.of("JOURNAL_STREAM", "8:12345"));
    Proc.Result update = client("-update");
    assertThat(update.exit()).isEqualTo(1);
    assertThat(d.log()).contains("<3>OmahaParamsLoader: SERVER=htps://typo.example/v1/update/ in "
        + machine.path("/etc/flatcar/update.conf") + " is not an http or https URL with a host:"
        + " update checks are disabled until it is fixed")
        .contains("<6>Daemon: owning com.coreos.update1");
  }

  @Test
  void startupFailuresAreOneLineAndUnknownKeysAreNamed() throws Exception {
    Proc.Result noRoot = Proc.run(LONG, bus.env(), tool("update_engine").toString(), "--root",
        dir.resolve("no-root").toString(), "--disk", machine.disk.toString());
    assertThat(noRoot.exit()).isEqualTo(1);
    assertThat(noRoot.err()).isEqualTo("update_engine: cannot start: --root "
        + dir.resolve("no-root") + ": no such directory\n");
    Proc.Result noBus = Proc.run(LONG, Map.of("DBUS_SYSTEM_BUS_ADDRESS", "unix:path="
        + dir.resolve("no-bus")), tool("update_engine").toString(), "--root",
        machine.root.toString(), "--disk", machine.disk.toString());
    assertThat(noBus.exit()).isEqualTo(1);
    assertThat(noBus.err().strip().lines()).last().asString()
        .startsWith("update_engine: cannot start: ");
    assertThat(noBus.err()).doesNotContain("\tat ");

    machine.write("/etc/flatcar/update.conf", "GROUP=stable\nIDLE_EXIT_SEC=0\nSEVRER=typo\n");
    Proc d = daemon("daemon", 3600);
    assertThat(d.log()).contains("update.conf:3: unknown key SEVRER (ignored)");
    // Another daemon on the same bus (its own root and disk): the name is taken; one line.
    Machine other = new Machine(Files.createDirectories(dir.resolve("other")), "3815.2.0");
    Proc.Result taken = Proc.run(LONG, bus.env(), tool("update_engine").toString(), "--root",
        other.root.toString(), "--disk", other.disk.toString());
    assertThat(taken.exit()).isEqualTo(1);
    assertThat(taken.err().strip()).startsWith("update_engine: cannot start: com.coreos.update1 is"
        + " taken on this bus").doesNotContain("\tat ");
  }
}
