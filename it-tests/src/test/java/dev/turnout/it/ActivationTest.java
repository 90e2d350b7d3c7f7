package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The daemon on demand: started by D-Bus activation (a private dbus-daemon whose service
 * directory Execs the launcher stands in for systemd), gone once idle, and started again by the
 * next call, with GetStatus as before; a locksmithd-style subscriber (GetStatus once, then the
 * StatusUpdate signal) keeps hearing the signals of each new run.
 */
class ActivationTest extends RigTest {
  @Test
  void anIdleDaemonExitsAndTheNextCallStartsItWithItsStatus() throws Exception {
    Release release = serve("3900.0.0", 0);
    machine.write("/etc/flatcar/update.conf", Files.readString(machine.path(
        "/etc/flatcar/update.conf")).replace("IDLE_EXIT_SEC=0", "IDLE_EXIT_SEC=2"));
    // The last check was a moment ago: none is due until the time the daemon kept.
    machine.write("/var/lib/update_engine/prefs/turnout-next-check-time",
        Long.toString(java.time.Instant.now().getEpochSecond() + 3600));
    Path services = Files.createDirectories(dir.resolve("services"));
    Path log = dir.resolve("activated.log");
    Path exec = Files.writeString(dir.resolve("start-daemon"), "#!/bin/sh\nexec "
        + Repo.bin("update_engine") + " -foreground -logtostderr --root " + machine.root
        + " --disk " + machine.disk + " --mark-good-delay 1 --first-check-delay 3600 >> " + log
        + " 2>&1\n");
    exec.toFile().setExecutable(true);
    Files.writeString(services.resolve("com.coreos.update1.service"), "[D-BUS Service]\n"
        + "Name=com.coreos.update1\nExec=" + exec + "\n");
    bus.close();
    bus = TestBus.start(Files.createDirectories(dir.resolve("bus-a")), null, services);

    // locksmithd: GetStatus once (this starts the daemon), then listen for StatusUpdate.
    Proc watch = Proc.start(dir.resolve("watch.log"), bus.env(),
        Repo.bin("update_engine_client").toString(), "-watch_for_updates");
    started.add(watch);
    long deadline = System.nanoTime() + LONG.toNanos();
    while (System.nanoTime() < deadline
        && !(Files.exists(log) && Files.readString(log).contains("idle for 2 s"))) {
      Thread.sleep(100);
    }
    assertThat(Files.readString(log)).contains("owning com.coreos.update1")
        .contains("(USR-A) good").contains("idle for 2 s: exiting");
    assertThat(nameOwned()).as("gone while idle").isFalse();

    // The next call starts it again; the update runs; the watcher hears the new run's signals.
    Proc.Result update = client("-update");
    assertThat(update.exit()).as(update.err()).isZero();
    watch.await(LONG, "the signals of the new run",
        l -> l.contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT"));
    String before = client("-status").out();
    while (System.nanoTime() < deadline && nameOwned()) {
      Thread.sleep(100);
    }
    assertThat(nameOwned()).as("gone again once idle").isFalse();
    assertThat(client("-status").out()).as("the same status after re-activation")
        .isEqualTo(before).contains("CURRENT_OP=UPDATE_STATUS_UPDATED_NEED_REBOOT")
        .contains("NEW_VERSION=3900.0.0").doesNotContain("LAST_CHECKED_TIME=0\n");
    stopActivated();
    Invariant.checkDisk(this, A_GOOD, release);
  }

  private boolean nameOwned() throws Exception {
    Proc.Result r = Proc.run(Duration.ofSeconds(30), Map.of(), "busctl", "--address="
        + bus.address, "status", "com.coreos.update1");
    return r.exit() == 0;
  }

  /** The activated daemon is the bus's child, not ours: stop it as systemd would. */
  private void stopActivated() throws Exception {
    for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
      if (p.info().commandLine().orElse("").contains("dev.turnout.engine.UpdateEngineMain")) {
        p.destroy();
        p.onExit().get();
      }
    }
  }
}
