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
}
