package dev.turnout.reboot;

import dev.turnout.engine.LogSetup;
import dev.turnout.engine.SystemPaths;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.logging.Level;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;

/**
 * {@code turnout-rebootd}: one run of the coordinator (see {@link Coordinator}), then exit. Exit
 * 0 when it did what there was to do (nothing, a release, a reboot asked for), 1 with one line
 * on a configuration or start-up error.
 */
public final class RebootdMain {
  private RebootdMain() {}

  public static void main(String[] args) {
    Path root = Path.of("/");
    boolean waitForSignal = false;
    boolean stay = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--root" -> root = Path.of(args[++i]);
        case "--wait" -> waitForSignal = true;
        case "--stay" -> stay = true;
        case "--help", "-h" -> {
          System.out.println("usage: turnout-rebootd [--root DIR] [--wait] [--stay]\n"
              + "Coordinates this node's reboot after an update (REBOOT_STRATEGY in"
              + " /etc/flatcar/update.conf: reboot, etcd-lock, fleetlock, off).\n"
              + "--wait  wait for the update engine's reboot-needed signal, as locksmithd\n"
              + "--stay  once the reboot is asked for (or while an update marker is there),"
              + " stay until stopped, so a path unit does not start it again");
          return;
        }
        default -> {
          System.err.println("turnout-rebootd: unknown argument " + args[i] + "; see --help");
          System.exit(2);
        }
      }
    }
    LogSetup.configure(System.getenv(), Level.INFO);
    SystemPaths paths = new SystemPaths(root);
    int code = run(paths, System.getenv(), waitForSignal);
    if (stay && code == 0 && java.nio.file.Files.exists(paths.updateCompletedMarker())) {
      // Started by turnout-rebootd.path (PathExists= on the engine's marker): exiting while the
      // marker is there would start it again at once. The shutdown of the reboot ends it.
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    System.exit(code);
  }

  static int run(SystemPaths paths, Map<String, String> env, boolean waitForSignal) {
    CoordinatorConfig c;
    RebootLock lock;
    String id;
    try {
      c = CoordinatorConfig.load(paths, env);
      lock = Backends.lock(c);
      id = lock == null ? "" : Backends.id(c, paths);
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("turnout-rebootd: " + e.getMessage());
      return 1;
    }
    String address = env.get("DBUS_SYSTEM_BUS_ADDRESS");
    try (DBusConnection conn = (address != null ? DBusConnectionBuilder.forAddress(address)
        : DBusConnectionBuilder.forSystemBus()).build(); BusParts bus = new BusParts(conn)) {
      new Coordinator(new Coordinator.Parts(c, lock, id, bus, bus,
          new EngineBootHealth(paths), new Utmp(paths.resolve("/run/utmp"),
              paths.resolve("/dev")), d -> Thread.sleep(d.toMillis()), Clock.systemDefaultZone(),
          new StateFile(paths.resolve("/run/update-engine/coordinator.conf"), c.strategy().word,
              c.window()),
          new LockRecord(paths.resolve("/var/lib/turnout-rebootd/lock")), paths.bootId()))
          .run(waitForSignal);
      return 0;
    } catch (Exception e) {
      System.err.println("turnout-rebootd: " + e.getMessage());
      return 1;
    }
  }
}
