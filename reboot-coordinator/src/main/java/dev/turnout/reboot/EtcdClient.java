package dev.turnout.reboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * etcd's v3 API over its JSON gateway ({@code /v3/kv/range}, {@code /v3/kv/txn},
 * {@code /v3/auth/authenticate}; keys and values base64), served on the client port by etcd 3.4
 * and later with no flags: no gRPC stack on the node. Endpoints are tried in turn when one cannot
 * be reached; a username and password get a token, taken again when etcd says it expired.
 */
final class EtcdClient {
  private static final MediaType JSON_TYPE = MediaType.get("application/json");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A key's value and its version (the number of writes since it was created). */
  record Kv(byte[] value, long version) {}

  private final OkHttpClient http;
  private final List<String> endpoints;
  private final String username;
  private final String password;
  private String token;
  private int current;

  EtcdClient(OkHttpClient http, List<String> endpoints, String username, String password) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("no etcd endpoint");
    }
    this.http = http;
    this.endpoints = endpoints.stream().map(e -> e.endsWith("/") ? e.substring(0, e.length() - 1)
        : e).toList();
    this.username = username == null ? "" : username;
    this.password = password == null ? "" : password;
  }

  /** The exact key (not a prefix: a sibling such as {@code ...semaphoreZ} never shadows it). */
  Optional<Kv> get(String key) throws IOException {
    ObjectNode req = MAPPER.createObjectNode().put("key", b64(key));
    JsonNode kvs = call("/v3/kv/range", req).path("kvs");
    if (!kvs.isArray() || kvs.isEmpty()) {
      return Optional.empty();
    }
    JsonNode kv = kvs.get(0);
    return Optional.of(new Kv(Base64.getDecoder().decode(kv.path("value").asText("")),
        kv.path("version").asLong(0)));
  }

  /** Writes {@code value} if the key's version is {@code version} (0: it does not exist). */
  boolean putIfVersion(String key, long version, byte[] value) throws IOException {
    ObjectNode req = MAPPER.createObjectNode();
    req.putArray("compare").addObject().put("key", b64(key)).put("target", "VERSION")
        .put("result", "EQUAL").put("version", Long.toString(version));
    req.putArray("success").addObject().putObject("request_put").put("key", b64(key))
        .put("value", Base64.getEncoder().encodeToString(value));
    return call("/v3/kv/txn", req).path("succeeded").asBoolean(false);
  }

  private JsonNode call(String path, ObjectNode body) throws IOException {
    IOException last = null;
    for (int tried = 0; tried < endpoints.size(); tried++) {
      String base = endpoints.get(current);
      try {
        return callOn(base, path, body, true);
      } catch (EtcdError e) {
        throw e; // etcd answered: another endpoint would say the same
      } catch (IOException e) {
        last = new IOException(base + ": " + e.getMessage(), e);
        current = (current + 1) % endpoints.size();
      }
    }
    throw last;
  }

  private JsonNode callOn(String base, String path, ObjectNode body, boolean mayAuthenticate)
      throws IOException {
    if (!username.isEmpty() && token == null) {
      authenticate(base);
    }
    Request.Builder r = new Request.Builder().url(base + path)
        .post(RequestBody.create(MAPPER.writeValueAsBytes(body), JSON_TYPE));
    if (token != null) {
      r.header("Authorization", token);
    }
    try (Response resp = http.newCall(r.build()).execute()) {
      byte[] bytes = resp.body().bytes();
      JsonNode n = bytes.length == 0 ? MAPPER.createObjectNode() : MAPPER.readTree(bytes);
      if (resp.isSuccessful()) {
        return n;
      }
      String message = n.path("message").asText(n.path("error").asText(resp.message()));
      if (mayAuthenticate && !username.isEmpty() && message.contains("invalid auth token")) {
        token = null; // expired: once more with a new one
        return callOn(base, path, body, false);
      }
      throw new EtcdError("etcd at " + base + " answered HTTP " + resp.code() + ": " + message);
    }
  }

  private void authenticate(String base) throws IOException {
    ObjectNode req = MAPPER.createObjectNode().put("name", username).put("password", password);
    try (Response resp = http.newCall(new Request.Builder().url(base + "/v3/auth/authenticate")
        .post(RequestBody.create(MAPPER.writeValueAsBytes(req), JSON_TYPE)).build()).execute()) {
      JsonNode n = MAPPER.readTree(resp.body().bytes());
      if (!resp.isSuccessful() || n.path("token").asText().isEmpty()) {
        throw new EtcdError("etcd at " + base + " refused user " + username + ": "
            + n.path("message").asText(n.path("error").asText("HTTP " + resp.code())));
      }
      token = n.path("token").asText();
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** etcd answered, with an error: not a reason to try another endpoint. */
  static final class EtcdError extends IOException {
    private static final long serialVersionUID = 1L;

    EtcdError(String message) {
      super(message);
    }
  }
}
