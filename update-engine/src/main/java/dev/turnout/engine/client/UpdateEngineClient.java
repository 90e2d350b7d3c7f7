package dev.turnout.engine.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.turnout.engine.dbus.Manager;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code update_engine_client}, with Flatcar's flags and output ({@code update_engine_client.cc}):
 * {@code -status} prints the five {@code KEY=value} lines, {@code -update} polls until IDLE or
 * UPDATED_NEED_REBOOT, {@code -watch_for_updates} prints every signal. Both {@code -flag} and
 * {@code --flag} work. Beyond Flatcar: {@code -status -json}, a progress bar on a terminal, and
 * {@code -slots}.
 */
@Command(name = "update_engine_client", sortOptions = false)
public final class UpdateEngineClient implements Callable<Integer> {
  static {
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
  }

  @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Option(names = {"-check_for_update", "--check_for_update"},
      description = "Initiate check for updates.")
  boolean checkForUpdate;

  @Option(names = {"-update", "--update"},
      description = "Forces an update and waits for its completion. Exit status is 0 if the"
          + " update succeeded, and 1 otherwise.")
  boolean update;

  @Option(names = {"-status", "--status"}, description = "Print the status to stdout.")
  boolean status;

  @Option(names = {"-reset_status", "--reset_status"}, description = "Sets the status in"
      + " update_engine to UPDATE_STATUS_IDLE.")
  boolean resetStatus;

  @Option(names = {"-watch_for_updates", "--watch_for_updates"},
      description = "Listen for status updates and print them to the screen.")
  boolean watch;

  @Option(names = {"-json", "--json"}, description = "With -status: print the fields as JSON.")
  boolean json;

  @Option(names = {"-slots", "--slots"}, description = "Show both USR partitions: priority,"
      + " tries, successful, which one is booted and which one boots next.")
  boolean slots;

  @Option(names = {"-root", "--root"}, hidden = true)
  String root = "/";

  @Option(names = {"-disk", "--disk"}, hidden = true)
  String disk;

  @Option(names = {"-poll_interval", "--poll_interval"}, hidden = true)
  long pollMillis = 1000;

  @Option(names = {"-connect_retry_delay", "--connect_retry_delay"}, hidden = true)
  long connectRetryMillis = 10_000;

  private final PrintStream out = System.out;

  public static void main(String[] args) {
    System.exit(new CommandLine(new UpdateEngineClient()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (slots) {
      return Slots.print(java.nio.file.Path.of(root), disk == null ? null
          : java.nio.file.Path.of(disk), out);
    }
    try (DBusConnection bus = connect()) {
      if (bus == null) {
        System.err.println("update_engine_client: cannot reach " + Manager.BUS_NAME
            + " on the system bus");
        return 1;
      }
      Manager m = bus.getRemoteObject(Manager.BUS_NAME, Manager.OBJECT_PATH, Manager.class);
      if (resetStatus) {
        try {
          m.ResetStatus();
        } catch (DBusExecutionException e) {
          System.err.println("update_engine_client: ResetStatus failed: " + e.getMessage());
          return 1;
        }
        System.err.println("ResetStatus succeeded; to undo partition table changes run:\n"
            + "(D=$(rootdev -d) P=$(rootdev -s); cgpt p -i$(($(echo ${P#$D} | sed"
            + " 's/^[^0-9]*//')-1)) $D;)");
        return 0;
      }
      if (status) {
        Manager.Status<?, ?, ?, ?, ?> s = m.GetStatus();
        out.print(json ? toJson(s) + "\n" : lines(s));
        return 0;
      }
      if (checkForUpdate || update) {
        m.AttemptUpdate();
        if (checkForUpdate && !update) {
          return 0;
        }
        return waitForUpdate(m);
      }
      if (watch) {
        return watch(bus);
      }
      CommandLine.usage(this, System.err);
      return 1;
    }
  }

  /** update_engine's proxy is retried 4 times, 10 s apart. */
  private DBusConnection connect() throws InterruptedException {
    String addr = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
    for (int i = 0; i < 4; i++) {
      try {
        DBusConnection c = addr != null ? DBusConnectionBuilder.forAddress(addr).build()
            : DBusConnectionBuilder.forSystemBus().build();
        if (java.util.Arrays.asList(c.getNames()).contains(Manager.BUS_NAME)
            || hasOwner(c)) {
          return c;
        }
        c.close();
      } catch (DBusException | java.io.IOException | RuntimeException e) {
        // retry
      }
      if (i < 3) {
        Thread.sleep(connectRetryMillis);
      }
    }
    return null;
  }

  private static boolean hasOwner(DBusConnection c) {
    try {
      var dbus = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus",
          org.freedesktop.dbus.interfaces.DBus.class);
      return dbus.NameHasOwner(Manager.BUS_NAME);
    } catch (DBusException | RuntimeException e) {
      return false;
    }
  }

  static String lines(Manager.Status<?, ?, ?, ?, ?> s) {
    return String.format(java.util.Locale.ROOT,
        "LAST_CHECKED_TIME=%d\nPROGRESS=%f\nCURRENT_OP=%s\nNEW_VERSION=%s\nNEW_SIZE=%d\n",
        s.getLastCheckedTime(), s.getProgress(), s.getCurrentOperation(), s.getNewVersion(),
        s.getNewSize());
  }

  static String toJson(Manager.Status<?, ?, ?, ?, ?> s) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("last_checked_time", s.getLastCheckedTime());
    m.put("progress", s.getProgress());
    m.put("current_operation", s.getCurrentOperation());
    m.put("new_version", s.getNewVersion());
    m.put("new_size", s.getNewSize());
    return new ObjectMapper().writeValueAsString(m);
  }

  /**
   * Polls until IDLE or UPDATED_NEED_REBOOT, printing the status lines when the operation changes
   * (and every 5 s), or a progress bar on a terminal. Exit 0 either way, as Flatcar's client.
   */
  private int waitForUpdate(Manager m) throws InterruptedException {
    boolean tty = System.console() != null;
    ProgressBar bar = new ProgressBar(out, System::nanoTime);
    String lastOp = "";
    long lastPrint = 0;
    while (true) {
      Manager.Status<?, ?, ?, ?, ?> s = m.GetStatus();
      String op = s.getCurrentOperation();
      long now = System.nanoTime();
      if (tty) {
        bar.update(s);
      } else if (!op.equals(lastOp) || now - lastPrint >= Duration.ofSeconds(5).toNanos()) {
        out.print(lines(s));
        out.flush();
        lastPrint = now;
      }
      lastOp = op;
      if (op.equals("UPDATE_STATUS_IDLE") || op.equals("UPDATE_STATUS_UPDATED_NEED_REBOOT")) {
        if (tty) {
          bar.finish(s);
        }
        return 0;
      }
      Thread.sleep(pollMillis);
    }
  }

  private int watch(DBusConnection bus) throws Exception {
    bus.addSigHandler(Manager.StatusUpdate.class, sig -> {
      synchronized (out) {
        out.print(lines(new Manager.Status<>(sig.getLastCheckedTime(), sig.getProgress(),
            sig.getCurrentOperation(), sig.getNewVersion(), sig.getNewSize())));
        out.flush();
      }
    });
    new CountDownLatch(1).await();
    return 0;
  }

}
