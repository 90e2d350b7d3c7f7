package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.DiskLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cases a careless operator, a hostile server or a second process tried against the daemon
 * (issue "Hardening"), each through the real launcher, with the invariant checked after.
 */
class HardeningTest extends RigTest {
  private List<String> daemonCommand(Path root, Path disk, String... extra) {
    List<String> cmd = new ArrayList<>(List.of(Repo.bin("update_engine").toString(),
        "-foreground", "-logtostderr", "--root", root.toString(), "--disk", disk.toString(),
        "--first-check-delay", "3600", "--mark-good-delay", "3600"));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  /** 1: a command line naming the empty USR-B is not believed; nothing is marked or written. */
  @Test
  void aBootSlotTheGptContradictsIsNotBelieved() throws Exception {
    Release release = serve("3900.0.0", 0);
    machine.write("/proc/cmdline", "mount.usr=PARTUUID=" + Machine.USR_B + "\n");
    Proc d = daemon("daemon", 1);
    d.await(LONG, "the refusal to mark", l -> l.contains("not marking anything good"));
    assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
    d.await(LONG, "the refusal to update", l -> l.contains("update failed with error 3"));
    assertThat(d.log()).contains("ERROR").contains("priority is 0");
    assertThat(machine.entry(4).attributes().raw()).as("USR-B not marked good").isZero();
    assertThat(machine.usrAUntouched()).isTrue();
    assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
    d.await(LONG, "the second refusal", l -> l.split("update failed with error 3", -1).length > 2);
    Invariant.check(this, A_GOOD, release);
  }

  /** 2: a second daemon on the same disk does not start, on the same root or another. */
  @Test
  void aSecondDaemonOnTheSameDiskDoesNotStart() throws Exception {
    daemon("first", 3600);
    Proc.Result sameRoot = Proc.run(LONG, bus.env(), daemonCommand(machine.root, machine.disk)
        .toArray(String[]::new));
    assertThat(sameRoot.exit()).isEqualTo(1);
    assertThat(sameRoot.err()).contains("update_engine: cannot start: another update_engine runs"
        + " on this state directory");
    Path otherRoot = dir.resolve("other-root");
    Files.createDirectories(otherRoot.resolve("proc"));
    Files.copy(machine.path("/proc/cmdline"), otherRoot.resolve("proc/cmdline"));
    Proc.Result sameDisk = Proc.run(LONG, bus.env(), daemonCommand(otherRoot, machine.disk)
        .toArray(String[]::new));
    assertThat(sameDisk.exit()).isEqualTo(1);
    assertThat(sameDisk.err().strip()).isEqualTo("update_engine: cannot start: " + machine.disk
        + " is busy: another update_engine runs on it");
    Invariant.check(this, A_GOOD, null);
  }

  /** 2: a hand-run cgpt waits for a table write under way instead of tearing it. */
  @Test
  void aHandRunCgptWaitsForTheTableWriteUnderWay() throws Exception {
    DiskLock writing = DiskLock.acquire(machine.disk, DiskLock.Kind.GPT, Duration.ZERO);
    Thread release = new Thread(() -> {
      try {
        Thread.sleep(1500);
        writing.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    release.start();
    long start = System.nanoTime();
    Proc.Result r = Proc.run(LONG, Map.of(), Repo.bin("cgpt").toString(), "add", "-i", "4",
        "-P", "0", "-T", "0", machine.disk.toString());
    release.join();
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1400));
  }

  /** 3: codebases that cannot be downloaded from end in an error event; the next check works. */
  @Test
  void unusableCodebasesEndInAnErrorAndTheNextCheckWorks() throws Exception {
    Release release = new Release(dir, "3900.0.0", 1_000_000);
    FaultServer f = serveWithFaults(release);
    Proc d = daemon("daemon", 3600);
    String good = labOffer();
    int failures = 0;
    for (String bad : new String[] {"file:///etc/", "ftp://127.0.0.1/flatcar/",
        "http://127.0.0.1:99999/"}) {
      f.omahaBody(good.replaceAll("codebase=\"[^\"]*\"", "codebase=\"" + bad + "\"")
          .getBytes(StandardCharsets.UTF_8));
      assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
      int before = failures;
      d.await(LONG, bad, l -> l.split("update failed with error 34", -1).length - 1 > before);
      failures++;
      assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    }
    f.omahaBody(null);
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    Invariant.check(this, A_GOOD, release);
  }

  /** 4: a byte that is not UTF-8 in update.conf costs its line, not the daemon's start. */
  @Test
  void aConfigurationThatIsNotUtf8DoesNotStopTheDaemon() throws Exception {
    Release release = serve("3900.0.0", 0);
    byte[] conf = Files.readAllBytes(machine.path("/etc/flatcar/update.conf"));
    byte[] bad = "MACHINE_ALIAS=caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
    byte[] all = java.util.Arrays.copyOf(conf, conf.length + bad.length);
    System.arraycopy(bad, 0, all, conf.length, bad.length);
    Files.write(machine.path("/etc/flatcar/update.conf"), all);
    Proc d = daemon("daemon", 1);
    d.await(LONG, "the marking", l -> l.contains("(USR-A) good"));
    assertThat(d.log()).contains("update.conf:" + (new String(conf, StandardCharsets.UTF_8)
        .split("\n", -1).length) + ": not UTF-8 text; line skipped");
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    Invariant.check(this, A_GOOD, release);
  }

  /** 5: a postinstall hook that never exits is killed at the timeout: error 5, then IDLE. */
  @Test
  void aHookThatNeverExitsIsKilledAndTheAttemptFails() throws Exception {
    Release release = serve("3900.0.0", 0);
    Path hook = machine.path("/etc/turnout/postinst.d/50-hang");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\nexec sleep 3141\n");
    hook.toFile().setExecutable(true);
    Proc d = daemon("daemon", 3600, Map.of(), "--hook-timeout", "2");
    assertThat(client("-update").exit()).as("a failed update").isEqualTo(1);
    d.await(LONG, "the failure", l -> l.contains("update failed with error 5"));
    assertThat(d.log()).contains("50-hang did not finish in time");
    assertThat(ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine()
        .orElse("").contains("sleep 3141"))).as("the hook was killed").isFalse();
    assertThat(machine.entry(4).attributes().priority()).isZero();
    Files.delete(hook);
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    Invariant.check(this, A_GOOD, release);
  }

  /** 7: ResetStatus on a staged update is no rollback: no error 44, no hold on the version. */
  @Test
  void resetStatusBeforeTheRebootIsNoRollback() throws Exception {
    Release release = serve("3900.0.0", 0);
    daemon("daemon", 3600);
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-reset_status").exit()).isZero();
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    assertThat(eventsHeard()).doesNotContain("3/0:44").noneMatch(e -> e.endsWith(":"
        + ((1 << 28) | 36)));
    Invariant.check(this, A_GOOD, release);
  }

  /** 10: a password in SERVER never reaches the log. */
  @Test
  void aPasswordInTheServerUrlStaysOutOfTheLog() throws Exception {
    Release release = serve("3900.0.0", 0);
    machine.server(lab.updateUrl().replace("http://", "http://fleet:s3cr3t-pw@"));
    Proc d = daemon("daemon", 3600);
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    assertThat(d.log()).contains("Posting an Omaha request to http://***@127.0.0.1")
        .doesNotContain("s3cr3t-pw");
    Invariant.check(this, A_GOOD, release);
  }

  /** 11: a pref that is a directory is replaced; a prefs directory that is a file is one line. */
  @Test
  void brokenPrefsAreNamedAndNeverJamTheDaemon() throws Exception {
    Release release = serve("3900.0.0", 0);
    Files.createDirectories(machine.path("/var/lib/update_engine/prefs/previous-version/x"));
    Proc d = daemon("daemon", 3600);
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    assertThat(d.log()).contains("prefs/previous-version is a directory, not a file");
    d.close();
    started.remove(d);
    Path prefs = machine.path("/var/lib/update_engine/prefs");
    try (var walk = Files.walk(prefs)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    Files.writeString(prefs, "not a directory");
    Proc.Result r = Proc.run(LONG, bus.env(), daemonCommand(machine.root, machine.disk)
        .toArray(String[]::new));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err().strip()).isEqualTo("update_engine: cannot start: the prefs directory "
        + prefs + " is not usable: " + prefs + ": exists and is not a directory");
  }

  /** 12: busctl sees GetStatus return exactly (xdssx). */
  @Test
  void introspectionShowsGetStatusAsXdssx() throws Exception {
    daemon("daemon", 3600);
    Proc.Result r = Proc.run(LONG, Map.of(), "busctl", "--address=" + bus.address, "introspect",
        "com.coreos.update1", "/com/coreos/update1", "com.coreos.update1.Manager");
    assertThat(r.exit()).as(r.err()).isZero();
    String line = r.out().lines().filter(l -> l.startsWith(".GetStatus")).findFirst()
        .orElseThrow();
    assertThat(line.split("\\s+")).containsSequence(".GetStatus", "method", "-", "xdssx");
  }

  /** 13: SIGTERM in the middle of a download is a shutdown, not a download failure. */
  @Test
  void aStopDuringTheDownloadIsNotReportedAsAFailure() throws Exception {
    serve("3900.0.0", 200_000);
    Proc d = daemon("daemon", 3600);
    assertThat(client("-check_for_update").exit()).isZero();
    awaitCheckpoint();
    d.close();
    started.remove(d);
    assertThat(d.log()).contains("attempt abandoned, the daemon is stopping")
        .doesNotContain("update failed with error");
    assertThat(eventsHeard()).contains("13/1").noneMatch(e -> e.startsWith("3/0:"));
    Invariant.checkDisk(this, A_GOOD, null);
  }

  /** 8: the bus goes away: the daemon exits non-zero; a new one on the new bus resumes. */
  @Test
  void losingTheBusEndsTheDaemonAndANewOneResumes() throws Exception {
    Release release = serve("3900.0.0", 200_000);
    Proc d = daemon("daemon-1", 3600);
    assertThat(client("-check_for_update").exit()).isZero();
    awaitCheckpoint();
    bus.close();
    assertThat(d.waitFor(LONG)).as("the daemon exits").isNotZero();
    assertThat(d.log()).contains("lost the message bus");
    assertThat(machine.entry(4).attributes().priority()).isZero();

    bus = TestBus.start(Files.createDirectories(dir.resolve("bus-2")), null);
    lab.rateLimit(0);
    daemon("daemon-2", 3600);
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    assertThat(lab.log().entries().stream().filter(n -> n.path("range").asText("")
        .matches("bytes=[1-9].*"))).as("the second daemon resumed with a Range").isNotEmpty();
    Invariant.check(this, A_GOOD, release);
  }

  /** 3: numbers and checkpoints in prefs that would throw end in IDLE; the next check works. */
  @Test
  void prefsThatWouldThrowEndInIdleAndTheNextCheckWorks() throws Exception {
    Release release = serve("3900.0.0", 0);
    machine.write("/var/lib/update_engine/prefs/payload-attempt-number", "-1");
    machine.write("/var/lib/update_engine/prefs/turnout-rollback-version", "3900.0.0");
    machine.write("/var/lib/update_engine/prefs/turnout-rollback-count", "1");
    machine.write("/var/lib/update_engine/prefs/turnout-rollback-time", "99999999999999999");
    Proc d = daemon("daemon", 3600);
    assertThat(client("-update").exit()).isEqualTo(1);
    d.await(LONG, "the hold", l -> l.contains("update failed with error 36"));
    assertThat(d.log()).contains("not reinstalling it before");
    assertThat(client("-status").out()).contains("CURRENT_OP=UPDATE_STATUS_IDLE\n");
    d.close();
    started.remove(d);

    // The hold lifted; a checkpoint whose hash state is garbage is dropped, not retried forever.
    Files.delete(machine.path("/var/lib/update_engine/prefs/turnout-rollback-version"));
    String sha = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest
        .getInstance("SHA-256").digest(Files.readAllBytes(release.payload)));
    machine.write("/var/lib/update_engine/prefs/update-check-response-hash", sha);
    machine.write("/var/lib/update_engine/prefs/update-state-next-operation", "1");
    Files.write(machine.path("/var/lib/update_engine/prefs/update-state-turnout-checkpoint"),
        new dev.turnout.payload.Checkpoint(1, 4096, new byte[] {1, 2, 3}, new byte[0],
            new byte[0], 100, new byte[32]).encode());
    Proc again = daemon("again", 3600);
    assertThat(client("-update").exit()).isZero();
    assertThat(client("-status").out()).contains("UPDATE_STATUS_UPDATED_NEED_REBOOT");
    assertThat(again.log()).contains("dropping the saved download state");
    Invariant.check(this, A_GOOD, release);
  }
}
