package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.Etcd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five simulated nodes, each with its machine id, its own private bus with an update engine
 * stand-in saying UPDATED_NEED_REBOOT and a logind stand-in, each running {@code bin/turnout-rebootd}
 * as a process, against one real etcd v3 semaphore with max 2. All five reboot in the end, never
 * more than two hold the lock (every value of the key, from {@code etcdctl watch}), and each
 * releases only after its new boot was marked good.
 */
class FleetRebootProcessesTest {
  static final Duration LONG = Duration.ofMinutes(4);
  static final String KEY = "coreos.com/updateengine/rebootlock/semaphore";
  @TempDir Path dir;

  /** One node: a root, a bus, the stand-ins. */
  record Node(int n, Path root, TestBus bus, RebootStandIns standIns) {
    String id() {
      return String.format("%032x", 0xf1ee7000L + n);
    }

    void write(String absolute, String text) throws Exception {
      Path p = root.resolve(absolute.substring(1));
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
    }

    Proc rebootd(Path log) throws Exception {
      return Proc.start(log, bus.env(), Repo.bin("turnout-rebootd").toString(), "--root",
          root.toString());
    }
  }

  @Test
  void fiveNodesMaxTwoAllRebootNeverMoreThanTwoHoldEachReleasesAfterItsGoodBoot()
      throws Exception {
    TestBus.require();
    Etcd.require();
    List<AutoCloseable> toClose = new ArrayList<>();
    try (Etcd etcd = Etcd.start(dir.resolve("etcd")).awaitReady()) {
      etcd.ctl("put", KEY, "{\"semaphore\":2,\"max\":2,\"holders\":null}");
      Proc watch = Proc.start(dir.resolve("watch.log"), Map.of("ETCDCTL_API", "3"), "etcdctl",
          "--endpoints", etcd.endpoint, "watch", KEY, "--rev=1");
      toClose.add(watch);
      List<Node> nodes = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Path root = Files.createDirectories(dir.resolve("node" + i));
        TestBus bus = TestBus.start(Files.createDirectories(dir.resolve("bus" + i)), null);
        toClose.add(bus);
        RebootStandIns standIns = new RebootStandIns(bus.address);
        toClose.add(standIns);
        Node n = new Node(i, root, bus, standIns);
        n.write("/etc/machine-id", n.id() + "\n");
        n.write("/proc/sys/kernel/random/boot_id", "boot-0-" + i + "\n");
        n.write("/etc/flatcar/update.conf", "REBOOT_STRATEGY=etcd-lock\nLOCKSMITHD_ENDPOINT="
            + etcd.endpoint + "\n");
        nodes.add(n);
      }
      ExecutorService pool = Executors.newFixedThreadPool(5);
      try {
        List<Future<?>> runs = new ArrayList<>();
        for (Node n : nodes) {
          runs.add(pool.submit(() -> {
            try (Proc before = n.rebootd(dir.resolve("rebootd-" + n.n() + "-0.log"))) {
              assertThat(before.waitFor(LONG)).as(before.log()).isZero();
            }
            assertThat(n.standIns().reboots).as("logind asked once").hasSize(1);
            // The node comes back on its new slot; the engine has not marked it good yet.
            n.write("/proc/sys/kernel/random/boot_id", "boot-1-" + n.n() + "\n");
            n.standIns().operation = "UPDATE_STATUS_IDLE";
            try (Proc after = n.rebootd(dir.resolve("rebootd-" + n.n() + "-1.log"))) {
              after.await(LONG, "the coordinator to hold on until the boot is good",
                  l -> l.contains("until the engine marks this boot good"));
              assertThat(etcd.ctl("get", KEY, "--print-value-only")).contains(n.id());
              n.write("/var/lib/update_engine/prefs/turnout-marked-good-boot-id",
                  "boot-1-" + n.n());
              assertThat(after.waitFor(LONG)).as(after.log()).isZero();
              assertThat(after.log()).contains("released the reboot lock");
            }
            return null;
          }));
        }
        for (Future<?> f : runs) {
          f.get(6, TimeUnit.MINUTES);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(etcd.ctl("get", KEY, "--print-value-only").strip())
          .isEqualTo("{\"semaphore\":2,\"max\":2,\"holders\":[]}");
      for (Node n : nodes) {
        assertThat(n.standIns().reboots).hasSize(1);
      }
      // every value the key took, in order: 5 locks and 5 unlocks after the first put
      int most = 0;
      int values = 0;
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values < 11 && System.nanoTime() < end) {
        most = 0;
        values = 0;
        Matcher m = Pattern.compile("\"holders\":(null|\\[[^\\]]*\\])").matcher(watch.log());
        while (m.find()) {
          values++;
          String h = m.group(1);
          int count = h.equals("null") || h.equals("[]") ? 0 : h.split(",").length;
          most = Math.max(most, count);
        }
        Thread.sleep(50);
      }
      assertThat(values).as("every change watched").isEqualTo(11);
      assertThat(most).as("holders at once").isEqualTo(2);
    } finally {
      for (int i = toClose.size() - 1; i >= 0; i--) {
        toClose.get(i).close();
      }
    }
  }
}
