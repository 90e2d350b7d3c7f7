package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

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
  void jsonCarriesTheSameFieldsAndTheLastError() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(UpdateEngineClient.toJson(new Manager.Status<>(5L, 0.5,
        "UPDATE_STATUS_DOWNLOADING", "3900.0.0", 2048L), json.createObjectNode()))
        .isEqualTo("{\"last_checked_time\":5,"
        + "\"progress\":0.5,\"current_operation\":\"UPDATE_STATUS_DOWNLOADING\","
        + "\"new_version\":\"3900.0.0\",\"new_size\":2048,\"last_error\":null,"
        + "\"checks_disabled\":null}");
    String attempt = "{\"last_attempt\":{\"sequence\":2,\"result\":\"checks_disabled\","
        + "\"time\":9},\"last_error\":{\"sequence\":1,\"result\":\"error\",\"time\":7,"
        + "\"code\":18,\"name\":\"DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR\",\"message\":"
        + "\"x\"},\"checks_disabled\":\"SERVER=disabled in /etc/flatcar/update.conf\"}";
    assertThat(UpdateEngineClient.toJson(new Manager.Status<>(9L, 0.0, "UPDATE_STATUS_IDLE",
        "0.0.0", 0L), json.readTree(attempt))).endsWith(",\"last_error\":{\"sequence\":1,"
        + "\"result\":\"error\",\"time\":7,\"code\":18,\"name\":"
        + "\"DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR\",\"message\":\"x\"},"
        + "\"checks_disabled\":\"SERVER=disabled in /etc/flatcar/update.conf\"}");
  }

  @Test
  void updateEndsInOneLineAndTheExitStatusScriptsCheck() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(Verdict.of("UPDATE_STATUS_UPDATED_NEED_REBOOT", json.createObjectNode()))
        .isEqualTo(new Verdict(0, "Update succeeded -- reboot needed."));
    assertThat(Verdict.of("UPDATE_STATUS_IDLE", json.readTree("{\"last_attempt\":{\"result\":"
        + "\"no_update\"}}"))).isEqualTo(new Verdict(0, "No update available."));
    assertThat(Verdict.of("UPDATE_STATUS_IDLE", json.readTree("{\"last_attempt\":{\"result\":"
        + "\"error\",\"code\":18,\"name\":\"DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR\","
        + "\"message\":\"no key verifies the signature\"}}"))).isEqualTo(new Verdict(1,
            "Update failed: error 18 (DOWNLOAD_PAYLOAD_PUB_KEY_VERIFICATION_ERROR): no key"
                + " verifies the signature"));
  }

  @Test
  void watchPrintsOneLinePerSignal() {
    assertThat(UpdateEngineClient.watchLine(java.time.Instant.parse("2026-12-01T22:30:00.123Z"),
        new Manager.Status<>(5L, 0.5, "UPDATE_STATUS_DOWNLOADING", "3900.0.0", 2048L)))
        .isEqualTo("2026-12-01T22:30:00.123Z LAST_CHECKED_TIME=5 PROGRESS=0.500000"
            + " CURRENT_OP=UPDATE_STATUS_DOWNLOADING NEW_VERSION=3900.0.0 NEW_SIZE=2048");
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

  @Test
  void aStatusStringWithANewlineNeverAddsALine() {
    String out = UpdateEngineClient.lines(new Manager.Status<>(1700000000L, 0.0,
        "UPDATE_STATUS_IDLE\nNEW_VERSION=6666.0.0", "1.2.3\u001b[31m", 0L));
    assertThat(out).hasLineCount(5).contains("CURRENT_OP=UPDATE_STATUS_IDLE NEW_VERSION=6666.0.0\n")
        .contains("NEW_VERSION=1.2.3 [31m\n").doesNotContain("\u001b");
  }
}
