package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.testing.Etcd;
import java.nio.file.Path;
import java.util.List;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Turnout's FleetLock client against a server that follows the protocol, on real etcd. */
class FleetLockTest {
  @TempDir Path dir;

  @Test
  void preRebootIsReentrantSlotsFillAndSteadyStateReleases() throws Exception {
    Etcd.require();
    OkHttpClient http = Tls.client(null, null, null);
    try (Etcd etcd = Etcd.start(dir).awaitReady();
        FleetLockServer server = new FleetLockServer(new EtcdClient(http,
            List.of(etcd.endpoint), "", ""), 2)) {
      FleetLock lock = new FleetLock(http, server.base() + "/", ""); // a trailing slash works
      lock.lock("node-a");
      lock.lock("node-a"); // re-entrant
      lock.lock("node-b");
      assertThatThrownBy(() -> lock.lock("node-c"))
          .isInstanceOfSatisfying(LockException.class, e -> assertThat(e.kind())
              .isEqualTo(LockException.Kind.REFUSED))
          .hasMessage("FleetLock /v1/pre-reboot at " + server.base() + ": HTTP 409 failed_lock:"
              + " all 2 semaphore slots currently locked");
      assertThat(etcd.ctl("get", FleetLockServer.key("default"), "--print-value-only").strip())
          .isEqualTo("{\"total_slots\":2,\"holders\":[\"node-a\",\"node-b\"]}");
      lock.unlock("node-a");
      lock.unlock("node-a"); // not held: fine
      lock.lock("node-c");
      assertThat(lock.holds("node-c")).isEmpty(); // the protocol cannot tell
      assertThatThrownBy(lock::status).hasMessageContaining("has no status");

      FleetLock other = new FleetLock(http, server.base(), "web-1.prod");
      other.lock("node-a");
      assertThat(etcd.ctl("get", FleetLockServer.key("web-1.prod"), "--print-value-only")
          .strip()).isEqualTo("{\"total_slots\":2,\"holders\":[\"node-a\"]}");
      assertThatThrownBy(() -> new FleetLock(http, server.base(), "web/1"))
          .hasMessageContaining("is not of letters, digits, dots and dashes");
      assertThatThrownBy(() -> new FleetLock(http, server.base(), "x").lock(""))
          .hasMessageEndingWith("HTTP 400 invalid_client_identity: empty client id");
    }
  }
}
