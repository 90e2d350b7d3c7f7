package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.it.FaultServer.Fault;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * It never bricks a node: faults, crashes, hostile servers, rollback. The invariant is checked
 * after every scenario. {@code -Dturnout.long=true} runs the long variants (50 crash points, 100
 * soak cycles).
 */
class ReliabilityTest extends RigTest {
  static final boolean LONG_RUN = Boolean.getBoolean("turnout.long");

  /** Faults that go away: the update completes, resumed rather than restarted where it can be. */
  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"STATUS_500", "STATUS_503", "STATUS_404",
      "RESET_AFTER", "TRUNCATE", "LIE_LENGTH", "DRIP", "STALL", "IGNORE_RANGE", "WRONG_PAYLOAD"})
  void aTransientFaultEndsInACompletedUpdate(Fault fault) throws Exception {
    Release release = new Release(dir, "3900.0.0", 1_500_000);
    FaultServer f = serveWithFaults(release);
    if (fault == Fault.IGNORE_RANGE) {
      f.next(Fault.RESET_AFTER, 700_000); // cut first, so the retry asks for a Range
    }
    f.wrongPayload(new Release(dir, "3700.0.0", 1_000_000).payload);
    f.next(fault, 700_000);
    Proc d = daemon("daemon", 3600);
    assertThat(client("-update").exit()).isEqualTo(fault == Fault.WRONG_PAYLOAD ? 1 : 0);
    if (fault == Fault.WRONG_PAYLOAD) {
      // Different bytes than announced fail verification: that attempt ends, the next one works.
      assertThat(d.log()).contains("update failed with error");
      assertThat(machine.entry(4).attributes().priority()).isZero();
      assertThat(client("-update").exit()).isZero();
    }
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    assertThat(machine.usrB(release.image.length)).isEqualTo(release.image);
    if (fault == Fault.RESET_AFTER || fault == Fault.TRUNCATE) {
      assertThat(f.log().stream().filter(l -> l.contains("range=bytes=")).toList())
          .as("resumed from where the cut left it, not from byte 0").isNotEmpty()
          .allMatch(l -> !l.contains("range=bytes=0-"));
    }
    Invariant.check(this, A_GOOD, release);
  }

  /** Faults that stay: the right error, the right event, and nothing bootable. */
  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"STATUS_404", "STALL", "REDIRECT_LOOP",
      "WRONG_PAYLOAD"})
  void aPersistentFaultEndsInTheRightErrorAndAnUntouchedSystem(Fault fault) throws Exception {
    Release release = new Release(dir, "3900.0.0", 1_200_000);
    FaultServer f = serveWithFaults(release);
    f.wrongPayload(new Release(dir, "3700.0.0", 600_000).payload);
    f.always(fault, 0);
    Proc d = daemon("daemon", 3600);
    assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
    d.await(LONG, "the failure", l -> l.contains("update failed with error"));
    int flags = 1 << 28; // SERVER is not Flatcar's public server
    List<String> events = eventsHeard();
    String last = events.get(events.size() - 1);
    if (fault == Fault.WRONG_PAYLOAD) {
      assertThat(last).matches("3/0:" + "(" + (flags | 10) + "|" + (flags | 11) + "|"
          + (flags | 18) + "|" + (flags | 28) + "|" + (flags | 29) + ")");
    } else {
      assertThat(last).isEqualTo("3/0:" + (flags | 9));
      assertThat(machine.path("/var/lib/update_engine/prefs/current-url-failure-count"))
          .hasContent("1");
    }
    assertThat(machine.entry(4).attributes().priority()).isZero();
    Invariant.check(this, A_GOOD, null);
  }

  @Test
  void hostileResponsesAreRejectedBeforeAnyDownload() throws Exception {
    Release release = new Release(dir, "3900.0.0", 1_000_000);
    FaultServer f = serveWithFaults(release);
    Proc d = daemon("daemon", 3600);
    String good = labOffer();
    assertThat(good).contains("<updatecheck status=\"ok\">");
    String[][] cases = {
        {"<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<response>&x;</response>", "error 31"},
        {good.replaceAll("sha256=\"[^\"]*\"", "sha256=\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\""),
            "error 10"},
        {good.replaceAll(" size=\"\\d+\"", " size=\"12345\""), "error 11"},
        {" ".repeat(100 << 20), "error 31"}};
    for (String[] c : cases) {
      f.omahaBody(c[0].getBytes(StandardCharsets.UTF_8));
      int failures = count(d.log(), "update failed with error");
      assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
      d.await(LONG, c[1], l -> count(l, "update failed with error") > failures);
      assertThat(d.log().lines().filter(l -> l.contains("update failed with error")).reduce(
          (a, b) -> b).orElseThrow()).contains(c[1]);
      assertThat(machine.entry(4).attributes().priority()).isZero();
    }
    assertThat(f.log().stream().filter(l -> l.startsWith("GET")).count())
        .as("the XXE and oversized responses started no download").isEqualTo(2);
    Invariant.check(this, A_GOOD, null);
  }

  @Test
  void aPayloadSignedByAnUnknownKeyNeverBecomesBootable() throws Exception {
    Path otherKey = dir.resolve("other.pem");
    Proc.run(LONG, Map.of(), Repo.bin("payload").toString(), "keygen", "--out",
        otherKey.toString(), "--public-out", dir.resolve("other.pub").toString());
    Release release = new Release(dir, "3900.0.0", 1_000_000, otherKey);
    serveWithFaults(release);
    Proc d = daemon("daemon", 3600);
    assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
    d.await(LONG, "the refusal", l -> l.contains("update failed with error 18"));
    assertThat(machine.entry(4).attributes().priority()).isZero();
    Invariant.check(this, A_GOOD, null);
  }

  @Test
  void killedAtRandomPointsItEndsCompletedAndResumes() throws Exception {
    Release release = serve("3900.0.0", 1_000_000);
    Random r = new Random(42);
    int points = LONG_RUN ? 50 : 5;
    int resumed = 0;
    for (int i = 0; i < points; i++) {
      Path nextOp = machine.path("/var/lib/update_engine/prefs/update-state-next-operation");
      Proc d = daemon("crash-" + i, 3600);
      int downloads = (int) lab.log().entries().stream()
          .filter(n -> "download".equals(n.path("kind").asText())).count();
      assertThat(client("-check_for_update").exit()).isZero();
      // Kill somewhere between the start of the download and just after its end.
      long until = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < until && lab.log().entries().stream()
          .filter(n -> "download".equals(n.path("kind").asText())).count() == downloads) {
        Thread.sleep(20);
      }
      Thread.sleep(r.nextInt(3200));
      d.kill();
      started.remove(d);
      boolean checkpoint = Files.exists(nextOp)
          && Long.parseLong(Files.readString(nextOp).strip()) > 0;
      System.out.printf("crash point %d: next-operation=%s%n", i,
          Files.exists(nextOp) ? Files.readString(nextOp) : "none");
      // No reboot happened: /run keeps the marker if the update had already finished.
      Invariant.checkDisk(this, A_GOOD, release);
      int before = lab.log().entries().size();
      Proc again = daemon("again-" + i, 3600);
      assertThat(client("-update").exit()).isZero();
      assertThat(client("-status").out()).as("after crash point %d:%n%s", i, again.log())
          .contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
      boolean rangeUsed = lab.log().entries().subList(before, lab.log().entries().size()).stream()
          .anyMatch(n -> n.path("range").asText().matches("bytes=[1-9]\\d*-"));
      if (checkpoint) {
        assertThat(rangeUsed).as("crash point %d had a checkpoint, so it resumed", i).isTrue();
        resumed++;
      }
      Invariant.check(this, A_GOOD, release);
      again.close();
      started.remove(again);
      // Back to a fresh USR-B for the next crash point.
      try (var disk = dev.turnout.gpt.GptDisk.open(machine.disk, true)) {
        disk.markUnbootable(4);
      }
      Files.deleteIfExists(machine.path("/run/update_engine_autoupdate_completed"));
      Files.deleteIfExists(machine.path("/var/lib/update_engine/prefs/previous-version"));
      Files.deleteIfExists(machine.path(
          "/var/lib/update_engine/prefs/turnout-installed-version"));
    }
    System.out.printf("crash points: %d, resumed from a checkpoint: %d%n", points, resumed);
  }

  @Test
  void aRollbackIsReportedAndTheFailingVersionIsNotReinstalledInALoop() throws Exception {
    Release release = serve("3900.0.0", 0);
    Path sick = dir.resolve("sick");
    Path check = machine.path("/etc/turnout/health.d/app");
    Files.createDirectories(check.getParent());
    Files.writeString(check, "#!/bin/sh\ntest ! -e " + sick + "\n");
    check.toFile().setExecutable(true);
    Proc d = daemon("on-a", 3600);
    assertThat(client("-update").exit()).isZero();
    d.close();
    started.remove(d);

    // Reboot into USR-B, which is unhealthy: never marked good.
    String next = cgptNext();
    assertThat(next).isEqualTo(Machine.USR_B.toString());
    machine.boot(next, "3900.0.0", release.image);
    Files.createFile(sick);
    Proc onB = daemon("on-b", 1);
    onB.await(LONG, "the health check", l -> l.contains("is NOT marked good"));
    onB.close();
    started.remove(onB);

    // The bootloader falls back to USR-A.
    next = cgptNext();
    assertThat(next).isEqualTo(Machine.USR_A.toString());
    machine.boot(next, "3815.2.0", machine.usrA);
    Files.delete(sick);
    Proc back = daemon("back-on-a", 3600);
    assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
    back.await(LONG, "the refusal", l -> l.contains("update failed with error 36"));
    assertThat(back.log()).contains("rolled back 1 time(s) on this machine");
    List<String> events = eventsHeard();
    assertThat(events).containsSubsequence("3/1", "3/0:44", "3/9:" + ((1 << 28) | 36));
    assertThat(machine.entry(4).attributes().bootable()).isFalse();
    // Back on A, the healthy boot was marked good (flatcar-setgoodroot): A first again.
    Invariant.check(this, 0x0102000000000000L, release);
  }

  @Test
  void onlyRootAndTheDaemonsUserMayChangeStateAndMalformedCallsAreHarmless() throws Exception {
    assumeRoot("to run a client as nobody");
    serve("3815.2.0", 0);
    Proc d = daemon("daemon", 3600);
    Proc.Result attempt = callAsNobody("AttemptUpdate");
    assertThat(attempt.exit()).isNotZero();
    assertThat(attempt.err()).contains("not allowed for uid 65534");
    Proc.Result reset = callAsNobody("ResetStatus");
    assertThat(reset.err()).contains("not allowed for uid 65534");
    Proc.Result status = callAsNobody("GetStatus");
    assertThat(status.out()).startsWith("xdssx 0 0 \"UPDATE_STATUS_IDLE\"");
    Proc.Result malformed = Proc.run(LONG, Map.of(), "busctl", "--address="
        + bus.address, "call", "com.coreos.update1", "/com/coreos/update1",
        "com.coreos.update1.Manager", "GetStatus", "s", "unexpected");
    assertThat(malformed.exit()).isNotZero();
    assertThat(d.process.isAlive()).isTrue();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_IDLE");
    Invariant.check(this, A_GOOD, null);
  }

  /** On Flatcar, locksmith and operators call as {@code core}; here nobody's uid plays core. */
  @Test
  void theCoreUserMayChangeState() throws Exception {
    assumeRoot("to run a client as another user");
    machine.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n"
        + "core:x:65534:65534:CoreOS Admin:/home/core:/bin/bash\n");
    serve("3815.2.0", 0);
    Proc d = daemon("daemon", 3600);
    Proc.Result attempt = callAsNobody("AttemptUpdate");
    assertThat(attempt.exit()).as(attempt.err()).isZero();
    d.await(LONG, "the check core asked for", l -> l.contains("No update."));
    Proc.Result reset = callAsNobody("ResetStatus");
    assertThat(reset.exit()).as(reset.err()).isZero();
    Invariant.check(this, A_GOOD, null);
  }

  @Test
  void theShippedPolicyKeepsOtherUsersOut() throws Exception {
    assumeRoot("to own the name under the shipped policy and to run a client as nobody");
    bus.close();
    bus = TestBus.start(Files.createDirectories(dir.resolve("policy-bus")),
        Repo.ROOT.resolve("systemd/units/com.coreos.update1.conf"));
    serve("3815.2.0", 0);
    daemon("daemon", 3600);
    Proc.Result denied = callAsNobody("AttemptUpdate");
    assertThat(denied.exit()).isNotZero();
    assertThat(denied.err()).containsIgnoringCase("access denied");
    assertThat(client("-status").out()).contains("UPDATE_STATUS_IDLE");
  }

  /**
   * Update cycles in a row on one disk image, the slots alternating: update, simulated reboot
   * ({@code cgpt next} as the boot loader's gptprio.next, the new slot's command line, /run
   * emptied), the new slot marked good as flatcar-setgoodroot does, next update. One daemon process
   * serves every cycle so that its footprint can be followed: file descriptors, threads and
   * resident memory after each update, the live heap every few. The heap is pre-touched, so
   * resident memory shows growth rather than the first use of pages the heap already owns. After
   * the warm-up (the first half: JIT compilation, class loading) nothing may grow.
   */
  @Test
  void soakManyUpdateCyclesWithoutGrowth() throws Exception {
    int cycles = LONG_RUN ? 100 : 6;
    int heapEvery = LONG_RUN ? 10 : 2;
    Proc d = null;
    List<Footprint> seen = new ArrayList<>();
    List<Long> heap = new ArrayList<>();
    for (int i = 0; i < cycles; i++) {
      String version = "3900." + i + ".0";
      Release release = serve(version, 0);
      if (d == null) {
        d = daemon("soak", 3600, Map.of("JAVA_TOOL_OPTIONS",
            "-XX:+AlwaysPreTouch -XX:InitialRAMPercentage=100"));
      }
      int booted = machine.booted();
      int target = machine.target();
      long bootedAttributes = machine.entry(booted).attributes().raw();
      assertThat(client("-update").exit()).isZero();
      assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT",
          "NEW_VERSION=" + version);
      assertThat(machine.usr(target, release.image.length)).isEqualTo(release.image);
      var fresh = machine.entry(target).attributes();
      assertThat(fresh.tries()).as("one try for the new slot").isEqualTo(1);
      assertThat(fresh.successful()).isFalse();
      assertThat(fresh.priority()).isGreaterThan(machine.entry(booted).attributes().priority());
      Invariant.check(this, bootedAttributes, release);
      seen.add(Footprint.of(d.process.pid()));
      if (i % heapEvery == heapEvery - 1) {
        heap.add(Footprint.liveHeapKib(d.process.pid()));
      }

      String next = cgptNext();
      assertThat(next).as("cycle %d: the boot loader picks the new slot", i)
          .isEqualTo(Machine.partUuid(target).toString());
      machine.boot(next, version, release.image);
      assertThat(client("-reset_status").exit()).isZero(); // the status a restarted daemon has
      machine.markGood();
      var good = machine.entry(target).attributes();
      assertThat(good.successful()).isTrue();
      assertThat(good.tries()).isZero();
      assertThat(good.priority()).isGreaterThan(machine.entry(booted).attributes().priority());
    }
    int mid = cycles / 2;
    Footprint warm = seen.get(1);
    Footprint half = seen.get(mid);
    Footprint last = seen.get(cycles - 1);
    System.out.printf("soak: %d cycles, fds %d -> %d -> %d, threads %d -> %d -> %d,"
        + " RSS %d -> %d -> %d KiB, live heap every %d cycles %s KiB%n", cycles, warm.fds(),
        half.fds(), last.fds(), warm.threads(), half.threads(), last.threads(), warm.rssKib(),
        half.rssKib(), last.rssKib(), heapEvery, heap);
    System.out.println("soak: RSS per cycle (KiB) "
        + seen.stream().map(f -> Long.toString(f.rssKib())).toList());
    List<Footprint> first = seen.subList(0, mid);
    List<Footprint> second = seen.subList(mid, cycles);
    // A sample can catch a short-lived worker (an HTTP task runner, a closing socket): allow 2.
    assertThat(max(second, Footprint::fds)).as("file descriptors after warm-up")
        .isLessThanOrEqualTo(max(first, Footprint::fds) + 2);
    assertThat(max(second, Footprint::threads)).as("threads after warm-up")
        .isLessThanOrEqualTo(max(first, Footprint::threads) + 2);
    assertThat(heap.get(heap.size() - 1)).as("live heap (KiB), last against mid-run")
        .isLessThanOrEqualTo(heap.get(heap.size() / 2 - 1) + 1024);
    // The least of the last three samples: a compiler arena can lift one sample for a while.
    long settled = seen.subList(cycles - 3, cycles).stream().mapToLong(Footprint::rssKib).min()
        .orElseThrow();
    assertThat(settled - half.rssKib()).as("resident memory growth, second half (KiB)")
        .isLessThan(8 * 1024);
  }

  private static long max(List<Footprint> samples, ToLongFunction<Footprint> f) {
    return samples.stream().mapToLong(f).max().orElseThrow();
  }

  /** {@code busctl call} of a Manager method as uid 65534 ({@code nobody}): a non-root caller. */
  private Proc.Result callAsNobody(String method) throws Exception {
    return Proc.run(LONG, Map.of(), "setpriv", "--reuid=65534", "--regid=65534",
        "--clear-groups", "busctl", "--address=" + bus.address, "call", "com.coreos.update1",
        "/com/coreos/update1", "com.coreos.update1.Manager", method);
  }

  private static int count(String text, String what) {
    return (int) text.lines().filter(l -> l.contains(what)).count();
  }
}
