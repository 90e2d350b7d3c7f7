package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.engine.AttemptOutcome.Result;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** GetLastAttempt's JSON, written by the streaming generator; Jackson's mapper is the reference. */
class LastAttemptJsonTest {
  @Test
  void anErrorAfterAnUpdateIsTheLastAttemptAndTheLastError() throws Exception {
    AttemptOutcome err = new AttemptOutcome(3, Result.ERROR, 1_764_000_000L,
        ErrorCode.OMAHA_REQUEST_HTTP_RESPONSE_BASE, 2503, "HTTP 503 from \"omaha\"\nretrying");
    String json = ManagerService.lastAttemptJson(err, err);
    assertThat(json).isEqualTo("{\"last_attempt\":{\"sequence\":3,\"result\":\"error\","
        + "\"time\":1764000000,\"code\":2503,\"name\":\"OMAHA_REQUEST_HTTP_RESPONSE\","
        + "\"message\":\"HTTP 503 from \\\"omaha\\\"\\nretrying\"},\"last_error\":"
        + "{\"sequence\":3,\"result\":\"error\",\"time\":1764000000,\"code\":2503,"
        + "\"name\":\"OMAHA_REQUEST_HTTP_RESPONSE\",\"message\":\"HTTP 503 from \\\"omaha\\\""
        + "\\nretrying\"},\"checks_disabled\":null}");
    Map<String, Object> reference = new LinkedHashMap<>();
    Map<String, Object> e = new LinkedHashMap<>();
    e.put("sequence", 3L);
    e.put("result", "error");
    e.put("time", 1_764_000_000L);
    e.put("code", 2503);
    e.put("name", "OMAHA_REQUEST_HTTP_RESPONSE");
    e.put("message", "HTTP 503 from \"omaha\"\nretrying");
    reference.put("last_attempt", e);
    reference.put("last_error", e);
    reference.put("checks_disabled", null);
    assertThat(json).isEqualTo(new ObjectMapper().writeValueAsString(reference));
  }

  @Test
  void disabledChecksSayWhyAndNoErrorIsNull() {
    AttemptOutcome off = new AttemptOutcome(1, Result.CHECKS_DISABLED, 5, null, 0,
        "SERVER=disabled in update.conf");
    assertThat(ManagerService.lastAttemptJson(off, AttemptOutcome.NONE)).isEqualTo(
        "{\"last_attempt\":{\"sequence\":1,\"result\":\"checks_disabled\",\"time\":5},"
        + "\"last_error\":null,\"checks_disabled\":\"SERVER=disabled in update.conf\"}");
  }
}
