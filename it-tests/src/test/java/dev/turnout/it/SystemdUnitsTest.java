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
}
