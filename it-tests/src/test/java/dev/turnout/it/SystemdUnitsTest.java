package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped units and policy, checked by systemd and dbus-daemon themselves. */
class SystemdUnitsTest {
  static final Path UNITS = Repo.ROOT.resolve("systemd/units");

  @Test
  void systemdAnalyzeAcceptsTheService(@TempDir Path dir) throws Exception {
    boolean present = Files.isExecutable(Path.of("/usr/bin/systemd-analyze"));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("systemd-analyze is missing; .ci/run installs package systemd");
    }
    Assumptions.assumeTrue(present, "systemd-analyze not installed (apt-get install systemd)");
    // The unit names /usr/sbin/update_engine; systemd-analyze wants it to exist, so point the
    // copy at the launcher in this checkout and change nothing else.
    String unit = Files.readString(UNITS.resolve("update-engine.service"));
    assertThat(unit).contains("ExecStart=/usr/sbin/update_engine -foreground -logtostderr")
        .contains("Type=dbus").contains("BusName=com.coreos.update1").contains("Restart=always")
        .contains("RestartSec=30").contains("ConditionPathExists=!/usr/.noupdate");
    Path copy = Files.writeString(dir.resolve("update-engine.service"),
        unit.replace("/usr/sbin/update_engine", Repo.bin("update_engine").toString()));
    Proc.Result r = Proc.run(Duration.ofSeconds(60), Map.of(), "systemd-analyze", "verify",
        copy.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err() + r.out()).isEmpty();
  }

  /**
   * The on-demand pieces with the unit: the drop-in (merged by systemd-analyze from the unit's
   * .d directory) makes an idle exit (status 0) a clean stop and keeps restarting failures; the
   * timer and the activation file name the service.
   */
  @Test
  void theDropInTimerAndActivationFileGoWithTheUnit(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "systemd-analyze not installed (apt-get install systemd)");
    String launcher = Repo.bin("update_engine").toString();
    Files.writeString(dir.resolve("update-engine.service"), Files.readString(
        UNITS.resolve("update-engine.service")).replace("/usr/sbin/update_engine", launcher));
    Path dropIns = Files.createDirectories(dir.resolve("update-engine.service.d"));
    String dropIn = Files.readString(UNITS.resolve("update-engine.service.d/10-turnout.conf"));
    assertThat(dropIn).contains("Restart=on-failure").contains("ExecStart=\n");
    Files.writeString(dropIns.resolve("10-turnout.conf"),
        dropIn.replace("/usr/sbin/update_engine", launcher));
    Files.copy(UNITS.resolve("update-engine.timer"), dir.resolve("update-engine.timer"));
    Proc.Result r = Proc.run(Duration.ofSeconds(60), Map.of(), "systemd-analyze", "verify",
        dir.resolve("update-engine.service").toString(),
        dir.resolve("update-engine.timer").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err() + r.out()).isEmpty();
    assertThat(Files.readString(UNITS.resolve("com.coreos.update1.service")))
        .contains("Name=com.coreos.update1").contains("SystemdService=update-engine.service");
  }

  @Test
  void dbusDaemonLoadsThePolicy(@TempDir Path dir) throws Exception {
    TestBus.require();
    try (TestBus bus = TestBus.start(dir, UNITS.resolve("com.coreos.update1.conf"))) {
      assertThat(bus.address).startsWith("unix:path=");
    }
    String policy = Files.readString(UNITS.resolve("com.coreos.update1.conf"));
    assertThat(policy).contains("<allow own=\"com.coreos.update1\"/>")
        .contains("<policy user=\"core\">").contains("send_member=\"GetStatus\"");
  }

  /** The health gate's unit, checked by systemd; its script, by sh. */
  @Test
  void theHealthGateUnitIsValid(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")),
        "systemd-analyze not installed (apt-get install systemd)");
    String unit = Files.readString(UNITS.resolve("turnout-boot-complete.service"));
    assertThat(unit).contains("Wants=boot-complete.target")
        .contains("After=boot-complete.target").contains("ExecStart=/usr/lib/turnout/boot-complete");
    Path copy = Files.writeString(dir.resolve("turnout-boot-complete.service"), unit.replace(
        "/usr/lib/turnout/boot-complete", UNITS.resolve("boot-complete").toString()));
    Proc.Result r = Proc.run(Duration.ofSeconds(60), Map.of(), "systemd-analyze", "verify",
        copy.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err() + r.out()).isEmpty();
    Proc.Result sh = Proc.run(Duration.ofSeconds(10), Map.of(), "sh", "-n",
        UNITS.resolve("boot-complete").toString());
    assertThat(sh.exit()).as(sh.err()).isZero();
  }

  /**
   * Installed on a running node, the gate's unit starts a moment before Turnout's engine takes the
   * bus name: its script tries the call again until the engine answers, for a minute at most.
   */
  @Test
  void theHealthGateScriptTriesAgainUntilTheEngineAnswers(@TempDir Path dir) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    script(bin.resolve("systemctl"), "exit 0"); // boot-complete.target is active
    script(bin.resolve("sleep"), "echo slept >> " + dir.resolve("calls"));
    Path client = script(dir.resolve("client"), "echo \"$*\" >> " + dir.resolve("calls") + "\n"
        + "n=$(cat " + dir.resolve("n") + " 2>/dev/null || echo 0)\n"
        + "echo $((n + 1)) > " + dir.resolve("n") + "\n"
        + "[ \"$n\" -ge \"$REFUSALS\" ]");
    Map<String, String> env = Map.of("PATH", bin + ":/usr/bin:/bin", "TURNOUT_CLIENT",
        client.toString(), "REFUSALS", "2");
    Proc.Result r = Proc.run(Duration.ofSeconds(30), env, "sh",
        UNITS.resolve("boot-complete").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(dir.resolve("calls")))
        .isEqualTo("-boot_complete\nslept\n-boot_complete\nslept\n-boot_complete\n");

    Files.delete(dir.resolve("calls"));
    Files.delete(dir.resolve("n"));
    Map<String, String> never = new java.util.HashMap<>(env);
    never.put("REFUSALS", "1000");
    Proc.Result gaveUp = Proc.run(Duration.ofSeconds(30), never, "sh",
        UNITS.resolve("boot-complete").toString());
    assertThat(gaveUp.exit()).isEqualTo(1);
    assertThat(Files.readAllLines(dir.resolve("calls"))).filteredOn("-boot_complete"::equals)
        .hasSize(30);
  }

  private static Path script(Path p, String body) throws Exception {
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    p.toFile().setExecutable(true);
    return p;
  }
}
