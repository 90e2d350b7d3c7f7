package dev.turnout.reboot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A FleetLock server for the tests, following the protocol (spec 8) the way airlock serves it:
 * its semaphore in etcd v3 at {@code com.coreos.airlock/groups/GROUP/v1/semaphore} =
 * {@code {"total_slots":N,"holders":[...]}}, changed by Version compare-and-swap; errors as
 * {@code {"kind":..,"value":..}}. Listens on 127.0.0.1 only.
 */
final class FleetLockServer implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final HttpServer server;
  private final EtcdClient etcd;
  private final int slots;

  FleetLockServer(EtcdClient etcd, int slots) throws IOException {
    this.etcd = etcd;
    this.slots = slots;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/v1/pre-reboot", ex -> handle(ex, true));
    server.createContext("/v1/steady-state", ex -> handle(ex, false));
    server.start();
  }

  String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  static String key(String group) {
    return "com.coreos.airlock/groups/" + group + "/v1/semaphore";
  }

  private void handle(HttpExchange ex, boolean take) throws IOException {
    try (ex) {
      if (!"POST".equals(ex.getRequestMethod())) {
        reply(ex, 405, "method_not_allowed", "use POST");
        return;
      }
      if (!"true".equals(ex.getRequestHeaders().getFirst("fleet-lock-protocol"))) {
        reply(ex, 400, "missing_header", "fleet-lock-protocol header must be true");
        return;
      }
      JsonNode p = MAPPER.readTree(ex.getRequestBody()).path("client_params");
      String id = p.path("id").asText("");
      String group = p.path("group").asText("");
      if (group.isEmpty() || !FleetLock.GROUP.matcher(group).matches()) {
        reply(ex, 400, "invalid_client_identity", group.isEmpty() ? "empty client group"
            : "invalid client group");
        return;
      }
      if (id.isEmpty()) {
        reply(ex, 400, "invalid_client_identity", "empty client id");
        return;
      }
      for (int tries = 0; tries < 20; tries++) {
        Optional<EtcdClient.Kv> kv = etcd.get(key(group));
        long version = kv.map(EtcdClient.Kv::version).orElse(0L);
        List<String> holders = new ArrayList<>();
        if (kv.isPresent()) {
          MAPPER.readTree(kv.get().value()).path("holders").forEach(h -> holders.add(h.asText()));
        }
        if (take && holders.contains(id) || !take && !holders.contains(id)) {
          ex.sendResponseHeaders(200, -1); // re-entrant; releasing what is not held is fine
          return;
        }
        if (take && holders.size() >= slots) {
          reply(ex, 409, "failed_lock", "all " + slots + " semaphore slots currently locked");
          return;
        }
        if (take) {
          holders.add(id);
        } else {
          holders.remove(id);
        }
        ObjectNode v = MAPPER.createObjectNode().put("total_slots", slots);
        ArrayNode h = v.putArray("holders");
        holders.forEach(h::add);
        if (etcd.putIfVersion(key(group), version, MAPPER.writeValueAsBytes(v))) {
          ex.sendResponseHeaders(200, -1);
          return;
        }
      }
      reply(ex, 500, "failed_lock", "semaphore kept changing");
    } catch (IOException | RuntimeException e) {
      reply(ex, 500, "internal", String.valueOf(e.getMessage()));
    }
  }

  private static void reply(HttpExchange ex, int status, String kind, String value)
      throws IOException {
    byte[] b = MAPPER.writeValueAsBytes(MAPPER.createObjectNode().put("kind", kind)
        .put("value", value));
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
