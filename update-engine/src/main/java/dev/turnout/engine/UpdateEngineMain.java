package dev.turnout.engine;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import org.freedesktop.dbus.exceptions.DBusException;

/**
 * {@code update_engine}: reads the command line ({@link dev.turnout.engine.cli.DaemonCommand}),
 * then runs the daemon until it is stopped, loses its bus, or has been idle for IDLE_EXIT_SEC.
 */
public final class UpdateEngineMain {
  private UpdateEngineMain() {}

  /**
   * Turnout's version, from the jar's manifest, or {@code development build} outside a built
   * jar; read through this class because the command-line classes may be defined by a loader
   * that knows no manifest.
   */
  public static String version() {
    String v = UpdateEngineMain.class.getPackage().getImplementationVersion();
    return v == null ? "development build" : v;
  }

  /** What the command line asked for: the daemon with these options, or to exit at once. */
  public record Parsed(Daemon.Options options, int exitCode) {
    public static Parsed run(Daemon.Options options) {
      return new Parsed(options, 0);
    }

    public static Parsed exit(int code) {
      return new Parsed(null, code);
    }
  }

  public static void main(String[] args) throws InterruptedException {
    LogSetup.keepLoggingAtShutdown();
    LogSetup.configure(System.getenv(), Level.INFO);
    // picocli in a loader of its own: its classes leave once the options are read (the first
    // full collection, below), instead of staying in the resident daemon.
    Parsed parsed = TransientLoader.apply("dev.turnout.engine.cli.DaemonCommand", args,
        "picocli.");
    System.exit(parsed.options() == null ? parsed.exitCode() : run(parsed.options()));
  }

  private static int run(Daemon.Options o) throws InterruptedException {
    String bad = StartupChecks.problem(o.root(), o.disk());
    if (bad != null) {
      System.err.println("update_engine: cannot start: " + bad);
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    int[] exit = {0};
    Daemon daemon;
    try {
      daemon = new Daemon(o, System.getenv(), () -> {
        exit[0] = 1;
        stop.countDown();
      }, stop::countDown);
    } catch (IOException | DBusException e) {
      System.err.println("update_engine: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      daemon.close();
      stop.countDown();
    }));
    System.gc();
    stop.await();
    daemon.close();
    return exit[0];
  }
}
