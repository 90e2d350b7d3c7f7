package dev.turnout.reboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import java.util.regex.Pattern;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * The FleetLock protocol (spec 8, Zincati's): {@code POST BASE/v1/pre-reboot} takes a slot (again
 * for a holder: 200), {@code POST BASE/v1/steady-state} releases it (200 also when not held), with
 * the header {@code fleet-lock-protocol: true} and {@code {"client_params":{"id":..,"group":..}}}.
 * An error is JSON {@code {"kind":..,"value":..}}. The base URL may end in a {@code /}.
 */
final class FleetLock implements RebootLock {
  static final Pattern GROUP = Pattern.compile("[a-zA-Z0-9.-]+");
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final OkHttpClient http;
  private final String base;
  private final String group;

  FleetLock(OkHttpClient http, String baseUrl, String group) {
    this.http = http;
    this.base = baseUrl.replaceAll("/+$", "");
    this.group = group == null || group.isEmpty() ? "default" : group;
    if (!GROUP.matcher(this.group).matches()) {
      throw new IllegalArgumentException("FleetLock group \"" + this.group + "\" is not of"
          + " letters, digits, dots and dashes");
    }
  }

  @Override
  public void lock(String id) throws IOException, LockException {
    post("/v1/pre-reboot", id);
  }

  @Override
  public void unlock(String id) throws IOException, LockException {
    post("/v1/steady-state", id);
  }

  @Override
  public Optional<Boolean> holds(String id) {
    return Optional.empty(); // the protocol does not say; steady-state is safe to send anyway
  }

  @Override
  public Semaphore status() throws LockException {
    throw new LockException(LockException.Kind.REFUSED, "the FleetLock protocol has no status;"
        + " ask the server (" + base + ")");
  }

  @Override
  public void setMax(long max) throws LockException {
    throw new LockException(LockException.Kind.REFUSED, "the FleetLock protocol has no set-max;"
        + " the server's configuration sets the slots (" + base + ")");
  }

  private void post(String path, String id) throws IOException, LockException {
    ObjectNode body = MAPPER.createObjectNode();
    body.putObject("client_params").put("id", id).put("group", group);
    Request r = new Request.Builder().url(base + path).header("fleet-lock-protocol", "true")
        .post(RequestBody.create(MAPPER.writeValueAsBytes(body), JSON_TYPE)).build();
    try (Response resp = http.newCall(r).execute()) {
      if (resp.code() == 200) {
        return;
      }
      String text = resp.body().string();
      String kind = "";
      String value = text.strip();
      try {
        JsonNode n = MAPPER.readTree(text);
        kind = n.path("kind").asText("");
        value = n.path("value").asText(value);
      } catch (IOException notJson) {
        // said as it came
      }
      throw new LockException(LockException.Kind.REFUSED, "FleetLock " + path + " at " + base
          + ": HTTP " + resp.code() + (kind.isEmpty() ? "" : " " + kind) + ": " + value);
    }
  }
}
