package dev.turnout.engine.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.engine.status.UpdateStatus;
import dev.turnout.engine.dbus.Manager;
import org.junit.jupiter.api.Test;

class ClientOutputTest {
  @Test
  void statusLinesAreFlatcarsByteForByte() {
    Manager.Status<Long, Double, String, String, Long> s = new Manager.Status<>(1700000000L, 0.0,
        "UPDATE_STATUS_IDLE", "0.0.0", 0L);
    assertThat(UpdateEngineClient.lines(s)).isEqualTo("LAST_CHECKED_TIME=1700000000\n"
        + "PROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n");
    assertThat(UpdateEngineClient.lines(new Manager.Status<>(1700000000L, 0.25,
        "UPDATE_STATUS_DOWNLOADING", "3900.0.0", 100L))).isEqualTo("LAST_CHECKED_TIME=1700000000\n"
        + "PROGRESS=0.250000\nCURRENT_OP=UPDATE_STATUS_DOWNLOADING\nNEW_VERSION=3900.0.0\n"
        + "NEW_SIZE=100\n");
  }

  @Test
  void jsonCarriesTheSameFields() throws Exception {
    assertThat(UpdateEngineClient.toJson(new Manager.Status<>(5L, 0.5,
        "UPDATE_STATUS_DOWNLOADING", "3900.0.0", 2048L))).isEqualTo("{\"last_checked_time\":5,"
        + "\"progress\":0.5,\"current_operation\":\"UPDATE_STATUS_DOWNLOADING\","
        + "\"new_version\":\"3900.0.0\",\"new_size\":2048}");
  }

  @Test
  void theProgressBarShowsBytesRateAndEta() {
    String line = ProgressBar.render(new Manager.Status<>(0L, 0.5, "UPDATE_STATUS_DOWNLOADING",
        "3900.0.0", 400L << 20), 10.0);
    assertThat(line).isEqualTo("[###############...............]  50%  200.0 MiB / 400.0 MiB"
        + "  20.0 MiB/s  ETA 0:10  3900.0.0");
    assertThat(ProgressBar.render(new Manager.Status<>(0L, 0.0,
        "UPDATE_STATUS_FINALIZING", "3900.0.0", 1L), 3)).isEqualTo("FINALIZING 3900.0.0");
  }

  @Test
  void statusNamesRoundTrip() {
    for (UpdateStatus s : UpdateStatus.values()) {
      assertThat(UpdateStatus.fromWireName(s.wireName())).isEqualTo(s);
    }
    assertThat(UpdateStatus.UPDATED_NEED_REBOOT.ordinal()).isEqualTo(6);
  }
}
