package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.turnout.engine.Daemon;
import dev.turnout.engine.DownloadAndApply;
import dev.turnout.engine.HttpSettings;
import dev.turnout.engine.UpdateStatus;
import dev.turnout.labserver.Channel;
import dev.turnout.labserver.LabServer;
import dev.turnout.labserver.RequestLog;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rig every end-to-end test runs on: a private dbus-daemon, a machine (temp root and disk
 * image), the lab Omaha server, and the real launchers; every process a test starts is stopped
 * after it, and the invariant is checked.
 */
abstract class RigTest {
  static final Duration LONG = Duration.ofSeconds(90);
  /** USR-A's attributes once marked good: priority 1, successful. */
  static final long A_GOOD = 0x0101000000000000L;

  @TempDir Path dir;
  TestBus bus;
  LabServer lab;
  Machine machine;
  final List<AutoCloseable> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    TestBus.require();
    bus = TestBus.start(dir, null);
    machine = new Machine(dir, "3815.2.0");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
    if (lab != null) {
      lab.close();
    }
    if (bus != null) {
      bus.close();
    }
    long leaked = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count();
    org.assertj.core.api.Assertions.assertThat(leaked).as("processes left behind").isZero();
  }

  Release serve(String version, long rateLimit) throws Exception {
    Release r = new Release(dir, version, 3_000_000);
    servePayload(version, r.payload, rateLimit);
    return r;
  }

  /**
   * A lab server (in place of the one before) offering {@code payload} as {@code version} on the
   * stable channel, at most {@code rateLimit} bytes/s (0: no limit); update.conf points at it.
   */
  void servePayload(String version, Path payload, long rateLimit) throws Exception {
    if (lab != null) {
      lab.close();
    }
    lab = new LabServer(new InetSocketAddress("127.0.0.1", 0),
        List.of(Channel.of("stable", version, payload, List.of())), null,
        new RequestLog(null, Clock.systemUTC())).rateLimit(rateLimit).start();
    machine.server(lab.updateUrl());
  }

  /**
   * A lab server (in place of the one before) offering {@code r} with {@code extensions} as
   * further packages; update.conf points at it (with {@code conf} added).
   */
  void serveWithExtensions(Release r, List<Channel.Served> extensions, long rateLimit,
      String conf) throws Exception {
    if (lab != null) {
      lab.close();
    }
    lab = new LabServer(new InetSocketAddress("127.0.0.1", 0), List.of(new Channel("stable",
        r.version, Channel.Served.of(r.payload), extensions)), null,
        new RequestLog(null, Clock.systemUTC())).rateLimit(rateLimit).start();
    machine.server(lab.updateUrl());
    Files.writeString(machine.path("/etc/flatcar/update.conf"), conf,
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** Bytes the lab server sent of files whose name ends with {@code name}. */
  long bytesSent(String name) {
    return lab.log().entries().stream().filter(n -> "download".equals(n.path("kind").asText())
        && n.path("path").asText().endsWith("/" + name)).mapToLong(n -> n.path("bytes").asLong())
        .sum();
  }

  /** Serves {@code release} through a {@link FaultServer} in front of the lab server. */
  FaultServer serveWithFaults(Release r) throws Exception {
    FaultServer f = new FaultServer();
    started.add(f);
    lab = new LabServer(new InetSocketAddress("127.0.0.1", 0),
        List.of(Channel.of("stable", r.version, r.payload, List.of())), f.base(),
        new RequestLog(null, Clock.systemUTC())).start();
    f.upstream("http://127.0.0.1:" + lab.address().getPort());
    machine.server(f.updateUrl());
    return f;
  }

  /** The launcher a test runs: the checkout's bin/ (an installed image's, in SysextTest). */
  Path tool(String name) {
    return Repo.bin(name);
  }

  /** Waits until the download has a checkpoint past its first operation; returns its pref. */
  Path awaitCheckpoint() throws Exception {
    Path nextOp = machine.path("/var/lib/update_engine/prefs/update-state-next-operation");
    long deadline = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < deadline
        && !(Files.exists(nextOp) && Long.parseLong(Files.readString(nextOp).strip()) > 0)) {
      Thread.sleep(50);
    }
    return nextOp;
  }

  /** The lab server's answer to an update check from version 1.0.0: its offer, as XML. */
  String labOffer() throws Exception {
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
        .newBuilder(java.net.URI.create(lab.updateUrl())).POST(java.net.http.HttpRequest
            .BodyPublishers.ofString("<request><app version=\"1.0.0\" track=\"stable\">"
                + "<updatecheck/></app></request>")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  Proc daemon(String name, int markGoodDelay) throws Exception {
    return daemon(name, markGoodDelay, Map.of());
  }

  /** The daemon, with {@code env} added to its environment (JVM options, say). */
  Proc daemon(String name, int markGoodDelay, Map<String, String> env, String... extra)
      throws Exception {
    Map<String, String> all = new java.util.HashMap<>(bus.env());
    all.putAll(env);
    List<String> cmd = new ArrayList<>(List.of(
        tool("update_engine").toString(), "-foreground", "-logtostderr",
        "--root", machine.root.toString(), "--disk", machine.disk.toString(),
        "--first-check-delay", "3600", "--mark-good-delay", Integer.toString(markGoodDelay),
        "--download-retry-delay", "1", "--download-retries", "3", "--low-speed-time", "2",
        "--checkpoint-interval-ms", "200",
        "--connect-timeout", "2"));
    cmd.addAll(List.of(extra));
    Proc p = Proc.start(dir.resolve(name + ".log"), all, cmd.toArray(String[]::new));
    started.add(p);
    p.await(LONG, "the daemon to own its bus name", l -> l.contains("owning com.coreos.update1"));
    return p;
  }

  /**
   * The real daemon in this JVM, its composition root and every stage, on the test's bus, with
   * {@code root} and {@code disk} (paths of any file system) and short timeouts.
   */
  Daemon inProcessDaemon(Path root, Path disk) throws Exception {
    return new Daemon(new Daemon.Options(root, disk, Duration.ofHours(1), Duration.ofHours(1),
        bus.address, HttpSettings.defaults().withTimeouts(Duration.ofSeconds(2),
            Duration.ofSeconds(2)),
        new DownloadAndApply.Tuning(2, Duration.ofMillis(100), Duration.ZERO, 0),
        Duration.ofSeconds(30)), Map.of("PATH", System.getenv("PATH")), () -> { });
  }

  /** Starts an interactive check on {@code d}; returns how the attempt ended. */
  static UpdateStatus attempt(Daemon d) throws Exception {
    assertThat(d.attempter().attemptUpdate(true)).as("a check started").isTrue();
    long end = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < end) {
      UpdateStatus s = d.attempter().status().operation();
      if (s == UpdateStatus.IDLE || s == UpdateStatus.UPDATED_NEED_REBOOT) {
        return s;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the attempt did not end; status "
        + d.attempter().status().operation());
  }

  /** Skips the test, saying why, unless it runs as root (to call as another user, say). */
  static void assumeRoot(String why) {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root " + why);
  }

  /** What the boot loader's gptprio.next would boot now: {@code cgpt next} on the image. */
  String cgptNext() throws Exception {
    Proc.Result r = Proc.run(LONG, Map.of(), tool("cgpt").toString(), "next",
        machine.disk.toString());
    assertThat(r.exit()).as("cgpt next: " + r.err()).isZero();
    return r.out().strip();
  }

  Proc.Result client(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(tool("update_engine_client").toString()));
    cmd.addAll(List.of(args));
    return Proc.run(LONG, bus.env(), cmd.toArray(String[]::new));
  }

  List<String> eventsHeard() {
    List<String> out = new ArrayList<>();
    for (ObjectNode n : lab.log().entries()) {
      if ("omaha".equals(n.path("kind").asText())) {
        n.path("events").forEach(e -> out.add(e.path("type").asInt() + "/"
            + e.path("result").asInt() + (e.has("errorcode") ? ":" + e.path("errorcode").asInt()
            : "")));
      }
    }
    return out;
  }

}
