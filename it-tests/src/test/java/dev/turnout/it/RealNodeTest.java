package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.PartitionAttributes;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Turnout on a simulated Flatcar node under a real systemd 252 ({@link SystemdNode}): installed
 * and removed as the README says, word for word; the update through the client; D-Bus activation
 * through systemd; clean stops and a restarted crash; the timer; a boot with the image in place;
 * the hardening as it runs; the tools as {@code core}. Each scenario boots a node of its own.
 */
class RealNodeTest {
  static final Duration LONG = SystemdNode.LONG;
  static final Path IMAGE_DIR = Repo.ROOT.resolve("packaging/target");

  @TempDir Path dir;
  SystemdNode node;
  LabServer lab;
  final List<AutoCloseable> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    SystemdNode.require();
    node = new SystemdNode(dir);
  }

  @AfterEach
  void tearDown(org.junit.jupiter.api.TestInfo test) throws Exception {
    try {
      if (node != null) {
        node.close(test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("node"));
      }
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  /** The image the build made, under the name the build gives it. */
  static Path image() throws Exception {
    try (Stream<Path> s = Files.list(IMAGE_DIR)) {
      return s.filter(p -> p.getFileName().toString().matches("turnout-.*-x86-64\\.raw"))
          .findFirst().orElseThrow(() -> new AssertionError("no image in " + IMAGE_DIR
              + "; the packaging module builds it where mksquashfs is installed"));
    }
  }

  /**
   * The lines of the README's {@code sh} block after the comment {@code <!-- NAME: ...}, as a
   * script for the node's root shell: {@code sudo} is root already there.
   */
  static String readme(String name) throws Exception {
    String text = Files.readString(Repo.ROOT.resolve("README.md"));
    Matcher m = Pattern.compile("<!-- " + name + ":[^\n]*-->\n```sh\n(.*?)```", Pattern.DOTALL)
        .matcher(text);
    assertThat(m.find()).as("README has the " + name + " block").isTrue();
    return "sudo() { \"$@\"; }\nset -ex\n" + m.group(1);
  }

  /** Copies the build's image into the node's /root, where the README's commands run. */
  String copyImageIn() throws Exception {
    Path img = image();
    Files.copy(img, node.path("/root/" + img.getFileName()));
    return img.getFileName().toString();
  }

  /** The README's install steps, word for word, in /root on the node. */
  void installAsTheReadmeSays() throws Exception {
    String name = copyImageIn();
    node.ok("cd /root && " + readme("install").replace("turnout-VERSION-x86-64.raw", name));
    awaitTurnoutOnTheBus();
  }

  void awaitTurnoutOnTheBus() throws Exception {
    node.await(LONG, "Turnout's daemon to own com.coreos.update1", () -> node.journal(
        "-u update-engine.service").contains("owning com.coreos.update1"));
  }

  /** The executable of the unit's main process, as the node sees it. */
  String mainExe(String unit) throws Exception {
    long pid = node.mainPid(unit);
    return pid == 0 ? "" : node.ok("readlink /proc/" + pid + "/exe").strip();
  }

  @Test
  void installedAsTheReadmeSaysTurnoutServesTheBusAndTheToolsAreOnPath() throws Exception {
    node.boot();
    assertThat(mainExe("update-engine.service")).as("the base's engine first")
        .endsWith("dbus-test-tool");
    installAsTheReadmeSays();
    assertThat(mainExe("update-engine.service")).endsWith("/usr/lib/turnout/runtime/bin/java");
    assertThat(node.ok("systemd-sysext status --json=short")).contains("turnout");
    assertThat(node.ok("for t in update_engine_client cgpt payload; do command -v $t; done")).isEqualTo(
        "/usr/bin/update_engine_client\n/usr/bin/cgpt\n/usr/bin/payload\n");
    assertThat(node.ok("update_engine_client -status")).isEqualTo("LAST_CHECKED_TIME=0\n"
        + "PROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n");
    assertThat(node.show("update-engine.timer", "ActiveState").get("ActiveState"))
        .as("the timer armed by the image's own link").isEqualTo("active");
  }

  /** Daemon options for the test (as an operator's own drop-in would give them). */
  void turnoutOpts(String opts) throws Exception {
    node.write("/etc/systemd/system/update-engine.service.d/60-test.conf",
        "[Service]\nEnvironment=\"TURNOUT_OPTS=" + opts + "\"\n");
  }

  /** A lab server on the host's loopback offering {@code r}; update.conf points at it. */
  void serve(Release r, long rateLimit, String conf) throws Exception {
    lab = new LabServer(new InetSocketAddress("127.0.0.1", 0),
        List.of(Channel.of("stable", r.version, r.payload, List.of())), null,
        new RequestLog(null, Clock.systemUTC())).rateLimit(rateLimit).start();
    node.write("/etc/flatcar/update.conf", "GROUP=stable\nSERVER=" + lab.updateUrl() + "\n"
        + conf);
  }

  long omahaRequests() {
    return lab.log().entries().stream().filter(n -> "omaha".equals(n.path("kind").asText()))
        .count();
  }

  /** How often systemd has started the unit in this boot. */
  long starts(String unit) throws Exception {
    return node.journal("-u " + unit).lines().filter(l -> l.contains("Starting " + unit))
        .count();
  }

  /** What the journal holds at priority warning or worse about Turnout's unit. */
  String warnings() throws Exception {
    return node.journal("-p warning -u update-engine.service -o cat").replace(
        "-- No entries --", "").strip();
  }

  @Test
  void theImageMergesUnderTheNameTheBuildGivesIt() throws Exception {
    node.boot();
    Path img = image();
    Files.copy(img, node.path("/etc/extensions/" + img.getFileName()));
    node.ok("systemd-sysext refresh");
    assertThat(node.ok("systemd-sysext list")).contains(
        img.getFileName().toString().replace(".raw", ""));
    assertThat(node.ok("ls /usr/lib/turnout/bin")).contains("update_engine_client");
  }

  @Test
  void theWholeUpdateThroughTheClientWritesOnlyTheOtherSlotAndFlipsIt() throws Exception {
    Release r = new Release(dir, "4152.2.0", 6_000_000);
    serve(r, 0, "");
    byte[] usrA = node.partition(3);
    node.boot();
    installAsTheReadmeSays();
    long t0 = System.nanoTime();
    Proc.Result u = node.sh("update_engine_client -update");
    SystemdNode.figure("the whole update (6 MB payload)", Duration.ofNanos(System.nanoTime() - t0));
    assertThat(u.exit()).as(u.out() + u.err()).isZero();
    assertThat(u.err()).endsWith("Update succeeded -- reboot needed.\n");
    try (GptDisk d = node.gpt(false)) {
      PartitionAttributes b = d.entry(4).attributes();
      assertThat(b.tries()).isEqualTo(1);
      assertThat(b.successful()).isFalse();
      assertThat(b.priority()).isGreaterThan(d.entry(3).attributes().priority());
    }
    byte[] usrB = node.partition(4);
    assertThat(java.util.Arrays.copyOf(usrB, r.image.length)).isEqualTo(r.image);
    assertThat(node.partition(3)).as("the booted slot untouched").isEqualTo(usrA);
    assertThat(node.path("/boot/flatcar/vmlinuz-b")).hasBinaryContent(r.kernel);
    assertThat(node.ok("update_engine_client -status")).contains(
        "CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\nNEW_VERSION=4152.2.0\n");
    assertThat(warnings()).as("warnings about Turnout in the journal").isEmpty();
  }

  @Test
  void aCallActivatesTheDaemonThroughSystemdAndCoreReadsTheStatus() throws Exception {
    turnoutOpts("--mark-good-delay 1");
    node.boot();
    installAsTheReadmeSays();
    node.ok("systemctl stop update-engine");
    assertThat(node.show("update-engine.service", "ActiveState").get("ActiveState"))
        .isEqualTo("inactive");
    long t0 = System.nanoTime();
    Proc.Result s = node.shAs("core", "update_engine_client -status");
    SystemdNode.figure("-status as core, activating the daemon",
        Duration.ofNanos(System.nanoTime() - t0));
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out()).startsWith("LAST_CHECKED_TIME=").contains(
        "CURRENT_OP=UPDATE_STATUS_IDLE\n");
    assertThat(node.journal("-u dbus.service")).contains(
        "Activating via systemd: service name='com.coreos.update1' unit='update-engine.service'");
    assertThat(mainExe("update-engine.service")).endsWith("/usr/lib/turnout/runtime/bin/java");
    for (int i = 0; i < 3; i++) {
      t0 = System.nanoTime();
      assertThat(node.shAs("core", "update_engine_client -status").exit()).isZero();
      SystemdNode.figure("-status as core, warm", Duration.ofNanos(System.nanoTime() - t0));
      t0 = System.nanoTime();
      assertThat(node.sh("update_engine_client -status").exit()).isZero();
      SystemdNode.figure("-status as root, warm", Duration.ofNanos(System.nanoTime() - t0));
    }
  }

  @Test
  void anIdleExitAndAStopAreCleanStopsAndACrashIsRestarted() throws Exception {
    turnoutOpts("--mark-good-delay 1 --first-check-delay 1");
    node.write("/etc/flatcar/update.conf", "GROUP=stable\nSERVER=disabled\nIDLE_EXIT_SEC=2\n");
    node.boot();
    installAsTheReadmeSays();
    node.await(LONG, "the idle exit", () -> "inactive".equals(node.show("update-engine.service",
        "ActiveState").get("ActiveState")));
    assertThat(node.show("update-engine.service", "Result", "NRestarts")).containsEntry("Result",
        "success").containsEntry("NRestarts", "0");
    Thread.sleep(4000); // past RestartSec: nothing restarts a clean stop
    assertThat(node.show("update-engine.service", "ActiveState", "NRestarts"))
        .containsEntry("ActiveState", "inactive").containsEntry("NRestarts", "0");

    node.ok("update_engine_client -status >/dev/null && systemctl stop update-engine");
    assertThat(node.show("update-engine.service", "Result", "NRestarts", "ActiveState"))
        .containsEntry("Result", "success").containsEntry("NRestarts", "0")
        .containsEntry("ActiveState", "inactive");
    assertThat(warnings()).as("no warning for clean stops").isEmpty();

    // A crash: systemd restarts it, and it is back on the bus.
    node.ok("systemctl start update-engine");
    long pid = node.mainPid("update-engine.service");
    long t0 = System.nanoTime();
    node.ok("kill -9 " + pid);
    node.await(LONG, "the restart after a crash", () -> {
      long now = node.mainPid("update-engine.service");
      return now != 0 && now != pid && node.sh("update_engine_client -status").exit() == 0;
    });
    SystemdNode.figure("kill -9 to back on the bus (RestartSec=2)",
        Duration.ofNanos(System.nanoTime() - t0));
    assertThat(node.show("update-engine.service", "NRestarts")).containsEntry("NRestarts", "1");
  }

  @Test
  void aKillDuringTheDownloadIsRestartedAndTheDownloadResumes() throws Exception {
    Release r = new Release(dir, "4152.2.0", 6_000_000);
    serve(r, 1_000_000, "");
    node.boot();
    installAsTheReadmeSays();
    node.ok("update_engine_client -check_for_update");
    Path nextOp = node.path("/var/lib/update_engine/prefs/update-state-next-operation");
    node.await(LONG, "a checkpoint past the first operation", () -> Files.exists(nextOp)
        && Long.parseLong(Files.readString(nextOp).strip()) > 0);
    long pid = node.mainPid("update-engine.service");
    node.ok("kill -9 " + pid);
    node.await(LONG, "the restart", () -> {
      long now = node.mainPid("update-engine.service");
      return now != 0 && now != pid && node.sh("update_engine_client -status").exit() == 0;
    });
    assertThat(node.ok("update_engine_client -status")).as("the last check survives a kill")
        .doesNotContain("LAST_CHECKED_TIME=0\n");
    Proc.Result u = node.sh("update_engine_client -update");
    assertThat(u.exit()).as(u.out() + u.err()).isZero();
    assertThat(lab.log().entries().stream().filter(n -> "download".equals(n.path("kind")
        .asText())).anyMatch(n -> n.path("range").asText().matches("bytes=[1-9][0-9]*-.*")))
        .as("the download resumed with Range").isTrue();
    assertThat(java.util.Arrays.copyOf(node.partition(4), r.image.length)).isEqualTo(r.image);
  }

  @Test
  void theTimerStartsTheDaemonAndACheckRunsOnlyWhenDue() throws Exception {
    Release r = new Release(dir, SystemdNode.VERSION, 1_000_000); // nothing new: noupdate
    serve(r, 0, "IDLE_EXIT_SEC=2\n");
    turnoutOpts("--mark-good-delay 1 --first-check-delay 1");
    // The image's timer, sped up: every 3 s after the daemon has exited.
    node.write("/etc/systemd/system/update-engine.timer.d/50-test.conf", "[Timer]\n"
        + "OnBootSec=\nOnBootSec=1s\nOnUnitInactiveSec=3s\nRandomizedDelaySec=0\n"
        + "AccuracySec=100ms\n");
    node.boot();
    installAsTheReadmeSays();
    node.await(LONG, "the first check of a fresh node", () -> omahaRequests() == 1);
    long started = starts("update-engine.service");
    node.await(LONG, "three starts by the timer", () -> starts("update-engine.service")
        >= started + 3);
    assertThat(omahaRequests()).as("no check before it is due").isEqualTo(1);
    assertThat(node.journal("-u update-engine.service")).contains("next update check due in");
    // Make it due, as time passing would: the next start by the timer checks.
    Files.writeString(node.path("/var/lib/update_engine/prefs/turnout-next-check-time"), "1");
    node.await(LONG, "the check the timer starts once it is due", () -> omahaRequests() == 2);
    assertThat(warnings()).isEmpty();
  }

  @Test
  void aBootWithTheImageInPlaceRunsTurnoutMarksTheSlotGoodOnceAndArmsTheTimer()
      throws Exception {
    // The first boot of an update into USR-A: gptprio.next has spent its try; USR-B is the
    // previous, good slot.
    try (GptDisk d = node.gpt(true)) {
      d.markGood(4);
      d.markActive(3);
      d.selectNext();
    }
    Path img = image();
    Files.copy(img, node.path("/etc/extensions/turnout.raw"));
    turnoutOpts("--mark-good-delay 1");
    long t0 = System.nanoTime();
    node.boot();
    awaitTurnoutOnTheBus();
    SystemdNode.figure("node boot to Turnout on the bus", Duration.ofNanos(System.nanoTime() - t0));
    assertThat(mainExe("update-engine.service")).endsWith("/usr/lib/turnout/runtime/bin/java");
    node.await(LONG, "the slot marked good", () -> node.journal("-u update-engine.service")
        .contains("(USR-A) good"));
    try (GptDisk d = node.gpt(false)) {
      assertThat(d.entry(3).attributes().successful()).isTrue();
      assertThat(d.entry(3).attributes().tries()).isZero();
    }
    assertThat(node.show("update-engine.timer", "ActiveState").get("ActiveState"))
        .isEqualTo("active");
    String journal = node.journal("-u update-engine.service");
    String started = journal.lines().filter(l -> l.contains("Starting update-engine.service"))
        .findFirst().orElseThrow();
    String owning = journal.lines().filter(l -> l.contains("owning com.coreos.update1"))
        .findFirst().orElseThrow();
    SystemdNode.figure("start to bus name (journal)", Duration.ofMillis(Math.round(
        (monotonic(owning) - monotonic(started)) * 1000)));

    // The operator rolls back by hand; a later start in the same boot leaves it so.
    node.ok("cgpt prioritize -i 4 " + node.loop);
    node.ok("systemctl restart update-engine");
    awaitStatus();
    Thread.sleep(2500); // past the mark-good delay
    assertThat(node.journal("-u update-engine.service")).contains(
        "marked good earlier in this boot");
    assertThat(node.journal("-u update-engine.service").lines()
        .filter(l -> l.contains("(USR-A) good")).count()).as("marked once").isEqualTo(1);
    try (GptDisk d = node.gpt(false)) {
      assertThat(d.nextBoot()).hasValueSatisfying(e -> assertThat(e.number()).isEqualTo(4));
    }
  }

  /**
   * The first boot of an update into USR-A, with a health unit that fails: boot-complete.target
   * is not reached, Turnout reports it and asks logind to reboot, once; gptprio.next then boots
   * USR-B, the previous good slot, where the same failure changes nothing (it was good before):
   * no loop.
   */
  @Test
  void aFailingHealthUnitMakesTheNewSlotFallBackOnceUnderSystemd() throws Exception {
    try (GptDisk d = node.gpt(true)) {
      d.markGood(4);
      d.markActive(3);
      d.selectNext();
    }
    Files.copy(image(), node.path("/etc/extensions/turnout.raw"));
    node.write("/etc/systemd/system/app-health.service", """
        [Unit]
        Description=The operator's health check
        Before=boot-complete.target
        [Service]
        Type=oneshot
        ExecStart=/bin/false
        [Install]
        RequiredBy=boot-complete.target
        """);
    node.link("/etc/systemd/system/boot-complete.target.requires/app-health.service",
        "../app-health.service");
    long t0 = System.nanoTime();
    node.start();
    node.awaitDown(LONG);
    SystemdNode.figure("boot to the fall-back reboot", Duration.ofNanos(System.nanoTime() - t0));
    Path prefs = node.path("/var/lib/update_engine/prefs");
    assertThat(prefs.resolve("turnout-last-error-code")).hasContent("67");
    assertThat(prefs.resolve("turnout-last-error-message")).content()
        .contains("failed units: app-health.service");
    assertThat(prefs.resolve("turnout-fell-back-boot-id")).exists();
    try (GptDisk d = node.gpt(true)) {
      assertThat(d.entry(3).attributes()).as("never marked good")
          .isEqualTo(PartitionAttributes.of(2, 0, false));
      assertThat(d.entry(4).attributes().successful()).as("the old slot").isTrue();
      assertThat(d.selectNext()).hasValueSatisfying(e -> assertThat(e.number()).isEqualTo(4));
    }

    node.cmdlineUsr(Machine.USR_B);
    node.boot();
    node.await(LONG, "the gate's verdict", () -> node.journal("-u update-engine.service")
        .contains("nothing to fall back to"));
    Thread.sleep(3000);
    assertThat(node.sh("systemctl is-system-running").out().strip()).as("still up: no loop")
        .isEqualTo("degraded");
    assertThat(node.journal("-u update-engine.service")).doesNotContain("asking logind");
    try (GptDisk d = node.gpt(false)) {
      assertThat(d.entry(4).attributes().successful()).isTrue();
      assertThat(d.nextBoot()).hasValueSatisfying(e -> assertThat(e.number()).isEqualTo(4));
    }
  }

  private void awaitStatus() throws Exception {
    node.await(LONG, "the daemon on the bus", () -> node.sh("update_engine_client -status")
        .exit() == 0);
  }

  private static double monotonic(String journalLine) {
    return Double.parseDouble(journalLine.substring(1, journalLine.indexOf(']')).strip());
  }

  @Test
  void theMergedUnitIsHardenedAsItRunsAndStillUpdates() throws Exception {
    node.boot();
    installAsTheReadmeSays();
    String out = node.ok("systemd-analyze security --no-pager update-engine.service");
    Matcher m = Pattern.compile("Overall exposure level for update-engine.service: ([0-9.]+)")
        .matcher(out);
    assertThat(m.find()).as(out).isTrue();
    double exposure = Double.parseDouble(m.group(1));
    System.out.println("node figure: systemd-analyze security exposure: " + exposure);
    assertThat(exposure).as("the bar (docs/benchmarks.md)").isLessThanOrEqualTo(3.0);
    Map<String, String> p = node.show("update-engine.service", "NoNewPrivileges",
        "ProtectSystem", "PrivateTmp", "DevicePolicy", "RestrictNamespaces");
    assertThat(p).containsEntry("NoNewPrivileges", "yes").containsEntry("ProtectSystem", "strict")
        .containsEntry("PrivateTmp", "yes").containsEntry("DevicePolicy", "closed");
  }

  @Test
  void coreReadsTheStatusAndCgptAndARefusedUserGetsOneLine() throws Exception {
    node.boot();
    installAsTheReadmeSays();
    Proc.Result status = node.shAs("core", "update_engine_client -status");
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    Proc.Result show = node.shAs("core", "cgpt show " + node.loop);
    assertThat(show.exit()).isEqualTo(1);
    assertThat(show.err()).isEqualTo("ERROR: cgpt show: Can't open " + node.loop
        + ": Permission denied\n");
    assertThat(node.ok("cgpt show -i 3 -l " + node.loop)).isEqualTo("USR-A\n");
    Proc.Result nobody = node.shAs("daemon", "update_engine_client -status");
    assertThat(nobody.exit()).isEqualTo(1);
    assertThat(nobody.out()).isEmpty();
    assertThat(nobody.err()).startsWith("update_engine_client: not allowed: ")
        .doesNotContain("\tat ").hasLineCount(1);
  }

  @Test
  void goingBackAsTheReadmeSaysLeavesACleanNodeWithTheBasesEngine() throws Exception {
    turnoutOpts("--mark-good-delay 1");
    node.boot();
    installAsTheReadmeSays();
    node.ok("cd /root && " + readme("remove"));
    node.await(LONG, "the base's engine on the bus", () -> mainExe("update-engine.service")
        .endsWith("dbus-test-tool"));
    assertThat(node.show("update-engine.timer", "LoadState", "ActiveState"))
        .containsEntry("LoadState", "not-found").containsEntry("ActiveState", "inactive");
    assertThat(node.ok("find /etc/systemd -xtype l")).as("dangling links").isEmpty();
    assertThat(node.ok("ls /usr/lib/turnout 2>/dev/null || true")).isEmpty();
    String state = node.sh("systemctl is-system-running").out().strip();
    String why = state.equals("running") ? "" : node.sh("systemctl --failed --no-legend;"
        + " journalctl -b -p warning --no-pager | tail -20").out();
    assertThat(state).as("the failed units and the boot's warnings: %s", why)
        .isEqualTo("running");
    assertThat(node.ok("systemctl --failed --no-legend")).isEmpty();
    assertThat(warnings()).as("Turnout's stop was a clean one").isEmpty();
  }

  /** The README's fleet steps, as written: the lines after "# /etc/flatcar/update.conf" on. */
  static String readmeFleetCommands() throws Exception {
    String text = Files.readString(Repo.ROOT.resolve("README.md"));
    Matcher m = Pattern.compile("```sh\n# /etc/flatcar/update.conf\n.*?\n\n(.*?)```",
        Pattern.DOTALL).matcher(text);
    assertThat(m.find()).as("README's fleet block").isTrue();
    return "sudo() { \"$@\"; }\nset -ex\n" + m.group(1);
  }

  @Test
  void theCoordinatorRebootsTheNodeUnderTheEtcdLockAndReleasesItAfterTheGoodBoot()
      throws Exception {
    dev.turnout.testing.Etcd.require();
    try (dev.turnout.testing.Etcd etcd = dev.turnout.testing.Etcd.start(dir.resolve("etcd"))
        .awaitReady()) {
      Release r = new Release(dir, "4152.2.0", 3_000_000);
      serve(r, 0, "REBOOT_STRATEGY=etcd-lock\nLOCKSMITHD_ENDPOINT=" + etcd.endpoint + "\n");
      turnoutOpts("--mark-good-delay 1");
      node.boot();
      installAsTheReadmeSays();
      node.ok(readmeFleetCommands());
      // Nothing of the test's may run in the node across its reboot (systemd's shutdown stops
      // every process it sees): the check is started, and the rest watched from outside.
      node.ok("update_engine_client -check_for_update");
      // the update lands, the path unit starts the coordinator, which takes the lock and asks
      // logind to reboot
      node.awaitDown(LONG);
      String key = "coreos.com/updateengine/rebootlock/semaphore";
      assertThat(etcd.ctl("get", key, "--print-value-only").strip()).isEqualTo(
          "{\"semaphore\":0,\"max\":1,\"holders\":[\"0123456789abcdef0123456789abcdef\"]}");

      // gptprio.next boots USR-B once; Turnout marks it good; only then is the lock released
      try (GptDisk d = node.gpt(true)) {
        assertThat(d.selectNext()).hasValueSatisfying(e -> assertThat(e.number()).isEqualTo(4));
      }
      node.cmdlineUsr(Machine.USR_B);
      node.boot();
      node.await(LONG, "the lock released after the good boot", () -> etcd.ctl("get", key,
          "--print-value-only").contains("\"holders\":[]"));
      String journal = node.journal("-u update-engine.service -u turnout-rebootd.service");
      int marked = journal.indexOf("(USR-B) good");
      int released = journal.indexOf("released the reboot lock");
      assertThat(marked).as(journal).isPositive();
      assertThat(released).as("released after the marking").isGreaterThan(marked);
      try (GptDisk d = node.gpt(false)) {
        assertThat(d.entry(4).attributes().successful()).isTrue();
      }
    }
  }
}
