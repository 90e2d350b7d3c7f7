package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Whole-daemon and command-line cases of "Hardening, part three" (docs/reliability.md), each
 * through the real launchers on a simulated node, with the invariant checked where a daemon ran.
 */
class HardeningThreeTest extends RigTest {
  /** 8: after a manual rollback (cgpt prioritize), a daemon started in the same boot leaves it. */
  @Test
  void anActivationInTheSameBootNeverUndoesAManualRollback() throws Exception {
    machine.markGood();
    try (GptDisk d = GptDisk.open(machine.disk, true)) {
      d.markGood(4); // USR-B: the previous, good slot
      d.markGood(3);
    }
    try (Proc first = daemon("first", 0)) {
      first.await(LONG, "the marking", l -> l.contains("(USR-A) good"));
    }
    Proc.Result rollback = Proc.run(LONG, Map.of(), tool("cgpt").toString(), "prioritize", "-i",
        "4", machine.disk.toString());
    assertThat(rollback.exit()).as(rollback.err()).isZero();
    byte[] before = Files.readAllBytes(machine.disk);
    try (Proc again = daemon("again", 0)) {
      again.await(LONG, "the daemon to settle", l -> l.contains("marked good earlier in this"
          + " boot"));
      assertThat(client("-status").exit()).isZero();
    }
    assertThat(Files.readAllBytes(machine.disk)).as("no GPT write").isEqualTo(before);
    assertThat(cgptNext()).isEqualTo(Machine.USR_B.toString());
  }

  /** 5: a user's own image works with cgpt while root's lock directory exists. */
  @Test
  void aNonRootUsersCgptWorksOnTheirOwnImageBesideRootsLocks() throws Exception {
    assumeRoot("to run cgpt as another user");
    // A directory the user can reach (the test's own temp dir is root's alone).
    Path mine = Files.createTempDirectory("turnout-user");
    mine.toFile().setReadable(true, false);
    mine.toFile().setExecutable(true, false);
    Files.setAttribute(mine, "unix:uid", 65534);
    started.add(() -> Proc.run(LONG, Map.of(), "rm", "-rf", mine.toString()));
    Path img = mine.resolve("disk.img");
    Proc.Result made = Proc.run(LONG, Map.of(), tool("cgpt").toString(), "create", "-c", "-s",
        "4096", img.toString());
    assertThat(made.exit()).as(made.err()).isZero();
    Files.setAttribute(img, "unix:uid", 65534);
    // root's own locks exist (any cgpt or daemon run as root made them)
    Proc.Result asRoot = Proc.run(LONG, Map.of(), tool("cgpt").toString(), "add", "-i", "1",
        "-b", "64", "-s", "64", "-t", "data", "-l", "root", img.toString());
    assertThat(asRoot.exit()).as(asRoot.err()).isZero();
    Proc.Result asUser = Proc.run(LONG, Map.of("HOME", mine.toString()), "setpriv",
        "--reuid=65534", "--regid=65534", "--clear-groups", tool("cgpt").toString(), "add", "-i",
        "2", "-b", "128", "-s", "64", "-t", "data", "-l", "mine", img.toString());
    assertThat(asUser.exit()).as(asUser.err()).isZero();
    assertThat(asUser.err()).isEmpty();
    Proc.Result show = Proc.run(LONG, Map.of(), tool("cgpt").toString(), "show", "-i", "2", "-l",
        img.toString());
    assertThat(show.out()).isEqualTo("mine\n");
  }

  /**
   * 14: a server that never answers the install-complete event: SIGTERM ends the daemon without
   * waiting on it, and the daemon started after says what was installed.
   */
  @Test
  void aStopDuringTheInstalledEventDoesNotWaitAndTheStatusSurvives() throws Exception {
    Release release = new Release(dir, "3900.0.0", 3_000_000);
    FaultServer f = serveWithFaults(release);
    f.holdOmahaContaining("eventtype=\"3\" eventresult=\"1\"");
    // The network timeouts of a node (not the rig's short ones): a stop that waited on the
    // server would wait for them.
    Proc d = Proc.start(dir.resolve("daemon.log"), bus.env(), tool("update_engine").toString(),
        "-foreground", "-logtostderr", "--root", machine.root.toString(), "--disk",
        machine.disk.toString(), "--first-check-delay", "3600", "--mark-good-delay", "3600",
        "--low-speed-time", "120", "--connect-timeout", "120");
    started.add(d);
    d.await(LONG, "the bus name", l -> l.contains("owning com.coreos.update1"));
    assertThat(client("-check_for_update").exit()).isZero();
    long end = System.nanoTime() + LONG.toNanos();
    while (!f.log().contains("omaha held")) {
      assertThat(System.nanoTime()).as("the held install-complete event").isLessThan(end);
      Thread.sleep(50);
    }
    long t0 = System.nanoTime();
    d.process.destroy(); // SIGTERM
    assertThat(d.waitFor(Duration.ofSeconds(60))).as("exit status after SIGTERM").isEqualTo(143);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the stop did not wait on the"
        + " server's 120 s").isLessThan(Duration.ofSeconds(30));
    assertThat(d.log()).doesNotContain("cannot keep the status");

    daemon("again", 3600);
    String status = client("-status").out();
    assertThat(status).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT\n")
        .contains("NEW_VERSION=3900.0.0\n").doesNotContain("LAST_CHECKED_TIME=0\n")
        .doesNotContain("NEW_SIZE=0\n");
  }
}
