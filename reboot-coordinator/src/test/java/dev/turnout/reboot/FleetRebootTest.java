package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.engine.SystemPaths;
import dev.turnout.testing.Etcd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five nodes, each needing a reboot, one etcd v3 semaphore with max 2: the whole fleet reboots,
 * never more than two hold the lock at once (every change of the key watched through etcd's
 * watch stream), and each node gives its slot back only after its new boot was marked good.
 */
class FleetRebootTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path dir;

  /** One simulated node: its id, its boots, when its engine marked a boot good. */
  final class Node {
    final String id;
    final SystemPaths paths;
    volatile String bootId = "boot-0";
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger polls = new AtomicInteger();

    Node(int n) throws Exception {
      id = String.format("%032x", 0xabc0 + n);
      paths = new SystemPaths(Files.createDirectories(dir.resolve("node" + n)));
      Files.createDirectories(paths.resolve("/etc/flatcar"));
    }

    Coordinator coordinator(EtcdLock lock, boolean needsReboot) throws Exception {
      CoordinatorConfig c = CoordinatorConfig.of(Map.of("REBOOT_STRATEGY", "etcd-lock"), paths);
      String boot = bootId;
      return new Coordinator(new Coordinator.Parts(c, lock, id, new Coordinator.Engine() {
        @Override
        public String currentOperation() {
          return needsReboot ? Coordinator.NEED_REBOOT : "UPDATE_STATUS_IDLE";
        }

        @Override
        public void awaitNeedReboot() {}
      }, () -> events.add("reboot " + boot), () -> {
        // the engine marks the new boot good after a few polls, never at once
        boolean good = polls.incrementAndGet() > 2;
        if (good) {
          events.add("good " + boot);
        }
        return good;
      }, m -> 0, d -> Thread.sleep(Math.max(1, d.toMillis() / 500)), Clock.systemUTC(),
          new StateFile(paths.resolve("/run/update-engine/coordinator.conf"), "etcd-lock",
              java.util.Optional.empty()),
          new LockRecord(paths.resolve("/var/lib/turnout-rebootd/lock")), boot));
    }
  }

  @Test
  void fiveNodesMaxTwoAllRebootNeverMoreThanTwoHoldEachReleasesAfterItsGoodBoot()
      throws Exception {
    Etcd.require();
    OkHttpClient http = Tls.client(null, null, null);
    try (Etcd etcd = Etcd.start(dir).awaitReady()) {
      EtcdLock admin = new EtcdLock(new EtcdClient(http, List.of(etcd.endpoint), "", ""), "",
          new Random(1), Thread::sleep);
      admin.setMax(2);
      Map<Integer, Integer> holdersSeen = new ConcurrentHashMap<>();
      Watch watch = new Watch(http, etcd.endpoint, EtcdLock.key(""), holdersSeen);
      watch.start();
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        nodes.add(new Node(i));
      }
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (Node n : nodes) {
          runs.add(pool.submit(() -> {
            EtcdLock lock = new EtcdLock(new EtcdClient(http, List.of(etcd.endpoint), "", ""),
                "", new Random(n.id.hashCode()), Thread::sleep);
            n.coordinator(lock, true).run(false); // takes the lock, asks for the reboot
            n.bootId = "boot-1"; // the node comes back on its new slot
            n.coordinator(lock, false).run(false); // releases once the boot is good
            return null;
          }));
        }
        for (Future<?> f : runs) {
          f.get(120, java.util.concurrent.TimeUnit.SECONDS);
        }
        // init, set-max, then a lock and an unlock a node: every write watched before checking
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (holdersSeen.values().stream().mapToInt(Integer::intValue).sum() < 12
            && System.nanoTime() < end) {
          Thread.sleep(10);
        }
      } finally {
        pool.shutdownNow();
        watch.interrupt();
      }
      for (Node n : nodes) {
        assertThat(n.events).as(n.id).containsExactly("reboot boot-0", "good boot-1");
      }
      assertThat(admin.status().holdersOrEmpty()).as("all released").isEmpty();
      assertThat(admin.status().semaphore()).isEqualTo(2);
      assertThat(holdersSeen.keySet()).as("holders at once, every change watched")
          .contains(2).allMatch(h -> h <= 2);
    }
  }

  /** etcd's watch stream on the key, through the JSON gateway: every value it ever took. */
  static final class Watch extends Thread {
    final OkHttpClient http;
    final String endpoint;
    final String key;
    final Map<Integer, Integer> seen;
    volatile Response response;

    Watch(OkHttpClient http, String endpoint, String key, Map<Integer, Integer> seen) {
      this.http = http.newBuilder().readTimeout(Duration.ZERO).callTimeout(Duration.ZERO)
          .build();
      this.endpoint = endpoint;
      this.key = key;
      this.seen = seen;
      setDaemon(true);
    }

    @Override
    public void run() {
      String body = "{\"create_request\":{\"key\":\"" + Base64.getEncoder().encodeToString(
          key.getBytes(StandardCharsets.UTF_8)) + "\",\"start_revision\":\"1\"}}";
      try (Response r = http.newCall(new Request.Builder().url(endpoint + "/v3/watch")
          .post(RequestBody.create(body, MediaType.get("application/json"))).build())
          .execute()) {
        response = r;
        var source = r.body().source();
        String line;
        while (!isInterrupted() && (line = source.readUtf8Line()) != null) {
          for (JsonNode e : MAPPER.readTree(line).path("result").path("events")) {
            byte[] v = Base64.getDecoder().decode(e.path("kv").path("value").asText(""));
            if (v.length > 0) {
              seen.merge(Semaphore.parse(v).holdersOrEmpty().size(), 1, Integer::sum);
            }
          }
        }
      } catch (Exception e) {
        // the test ended the stream
      }
    }

    @Override
    public void interrupt() {
      super.interrupt();
      Response r = response;
      if (r != null) {
        r.close();
      }
    }
  }
}
