package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.engine.SystemPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoordinatorConfigTest {
  @TempDir Path dir;

  SystemPaths node(String usr, String etc) throws Exception {
    SystemPaths paths = new SystemPaths(dir);
    Files.createDirectories(paths.resolve("/usr/share/flatcar"));
    Files.createDirectories(paths.resolve("/etc/flatcar"));
    Files.writeString(paths.resolve("/usr/share/flatcar/update.conf"), usr);
    Files.writeString(paths.resolve("/etc/flatcar/update.conf"), etc);
    return paths;
  }

  @Test
  void etcIsReadAfterUsrAndTheUnprefixedWindowIsAFallback() throws Exception {
    CoordinatorConfig c = CoordinatorConfig.load(node("GROUP=stable\nREBOOT_STRATEGY=reboot\n",
        "REBOOT_STRATEGY=etcd-lock\nLOCKSMITHD_GROUP=web\nREBOOT_WINDOW_START=Thu 04:00\n"
        + "REBOOT_WINDOW_LENGTH=1h\n"), Map.of());
    assertThat(c.strategy()).isEqualTo(CoordinatorConfig.Strategy.ETCD_LOCK);
    assertThat(c.endpoints()).isEqualTo(CoordinatorConfig.DEFAULT_ETCD);
    assertThat(c.group()).isEqualTo("web");
    assertThat(c.window()).hasValueSatisfying(w -> assertThat(w.toString())
        .isEqualTo("thu 04:00 for PT1H"));
  }

  @Test
  void theDefaultIsRebootAndBadValuesAreOneLine() throws Exception {
    assertThat(CoordinatorConfig.load(node("", ""), Map.of()).strategy())
        .isEqualTo(CoordinatorConfig.Strategy.REBOOT);
    assertThatThrownBy(() -> CoordinatorConfig.load(node("", "REBOOT_STRATEGY=best-effort\n"),
        Map.of())).hasMessageStartingWith("unknown strategy: best-effort");
    assertThatThrownBy(() -> CoordinatorConfig.load(node("",
        "LOCKSMITHD_REBOOT_WINDOW_START=04:00\n"), Map.of())).hasMessage("Either both or neither"
        + " $REBOOT_WINDOW_START and $REBOOT_WINDOW_LENGTH must be set");
    assertThatThrownBy(() -> CoordinatorConfig.load(node("", "REBOOT_STRATEGY=fleetlock\n"),
        Map.of())).hasMessageContaining("needs LOCKSMITHD_ENDPOINT");
    assertThatThrownBy(() -> CoordinatorConfig.load(node("", "REBOOT_STRATEGY=etcd-lock\n"
        + "LOCKSMITHD_ETCD_CERTFILE=/etc/ssl/c.pem\n"), Map.of()))
        .hasMessageContaining("go together");
  }

  @Test
  void aCaAloneIsEnoughForTlsAndTheEnvironmentWins() throws Exception {
    CoordinatorConfig c = CoordinatorConfig.load(node("", "REBOOT_STRATEGY=etcd-lock\n"
        + "LOCKSMITHD_ENDPOINT=https://10.0.0.1:2379,https://10.0.0.2:2379\n"
        + "LOCKSMITHD_ETCD_CAFILE=/etc/ssl/etcd/ca.pem\n"),
        Map.of("LOCKSMITHD_GROUP", "db"));
    assertThat(c.endpoints()).containsExactly("https://10.0.0.1:2379", "https://10.0.0.2:2379");
    assertThat(c.caFile()).isEqualTo(dir.resolve("etc/ssl/etcd/ca.pem"));
    assertThat(c.certFile()).isNull();
    assertThat(c.group()).isEqualTo("db");
  }

  @Test
  void fleetLockIdsAreTheMachineIdMadeAppSpecific() {
    String a = NodeId.appSpecific("0123456789abcdef0123456789abcdef", NodeId.APP_ID);
    assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo("0123456789abcdef0123456789abcdef");
    assertThat(a.charAt(12)).as("UUID version 4").isEqualTo('4');
    assertThat("89ab").contains(String.valueOf(a.charAt(16)));
    assertThat(NodeId.appSpecific("0123456789abcdef0123456789abcdef", NodeId.APP_ID))
        .as("stable").isEqualTo(a);
    assertThat(List.of(NodeId.appSpecific("fedcba9876543210fedcba9876543210", NodeId.APP_ID)))
        .doesNotContain(a);
  }
}
