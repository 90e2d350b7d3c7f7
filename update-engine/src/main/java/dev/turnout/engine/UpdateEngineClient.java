package dev.turnout.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * {@code update_engine_client}, with Flatcar's flags and output ({@code update_engine_client.cc}):
 * {@code -status} prints the five {@code KEY=value} lines, {@code -update} polls until IDLE or
 * UPDATED_NEED_REBOOT, {@code -watch_for_updates} prints every signal. Both {@code -flag} and
 * {@code --flag} work. Beyond Flatcar: {@code -status -json}, a progress bar on a terminal, and
 * {@code -slots}.
 */
@Command(name = "update_engine_client", sortOptions = false,
    description = {"Check for and apply updates, and show the status of update_engine.",
        "It talks to com.coreos.update1 on the system bus (DBUS_SYSTEM_BUS_ADDRESS).", ""},
    versionProvider = UpdateEngineClient.Version.class, footer = {"",
        "-update prints the five status lines every 5 s (a progress bar on a terminal), then one",
        "line on stderr: \"No update available.\" or \"Update succeeded -- reboot needed.\" (exit 0),",
        "or \"Update failed: error N (NAME): MESSAGE\" (exit 1; also when update checks are",
        "disabled). Exit 1 too when update_engine cannot be reached within 3 s."})
public final class UpdateEngineClient implements Callable<Integer> {
  /** {@code --version}: Turnout's version, from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"${COMMAND-NAME} (Turnout) " + UpdateEngineMain.version()};
    }
  }

  @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
  boolean help;

  @Option(names = {"-version", "--version"}, versionHelp = true,
      description = "show the version")
  boolean version;

  @Option(names = {"-check_for_update", "--check_for_update"},
      description = "Initiate check for updates.")
  boolean checkForUpdate;

  @Option(names = {"-update", "--update"},
      description = "Forces an update and waits for its completion. Exit status 0 when there"
          + " is no update or the update is installed (reboot needed), 1 when it failed.")
  boolean update;

  @Option(names = {"-status", "--status"}, description = "Print the status to stdout.")
  boolean status;

  @Option(names = {"-reset_status", "--reset_status"}, description = "Sets the status in"
      + " update_engine to UPDATE_STATUS_IDLE.")
  boolean resetStatus;

  @Option(names = {"-watch_for_updates", "--watch_for_updates"},
      description = "Listen for status updates and print them to the screen.")
  boolean watch;

  @Option(names = {"-json", "--json"}, description = "With -status or -slots: print JSON"
      + " (-status adds the last error and, when checks are disabled, why).")
  boolean json;

  @Option(names = {"-slots", "--slots"}, description = "Show both USR partitions: priority,"
      + " tries, successful, which one is booted and which one boots next.")
  boolean slots;

  @Option(names = {"-extensions", "--extensions"}, description = "Show the wanted system"
      + " extensions (the OEM agent's, the enabled Flatcar ones) for the booted version and the"
      + " next: present, missing, in progress or left behind.")
  boolean extensions;

  @Option(names = {"-rollback", "--rollback"}, description = "Make the other USR partition the"
      + " next boot, when it is safe: it is marked successful, its kernel is in /boot, and no"
      + " update is in progress or awaiting its reboot. Prints what boots next; reboot to use it."
      + " Reported to the update server after the reboot, as Flatcar reports a rollback.")
  boolean rollback;

  @Option(names = {"-dry_run", "--dry_run"}, description = "With -rollback: say what it would"
      + " do, change nothing.")
  boolean dryRun;

  @Option(names = {"-boot_complete", "--boot_complete"}, description = "Tell update_engine that"
      + " boot-complete.target was reached: the booted partition may be marked good. Run by"
      + " turnout-boot-complete.service.")
  boolean bootComplete;

  @Option(names = {"-boot_failed", "--boot_failed"}, paramLabel = "WHY", description = "Tell"
      + " update_engine that boot-complete.target was not reached, and what failed: the first"
      + " boot of a new partition falls back. Run by turnout-boot-complete.service.")
  String bootFailed;

  @Option(names = {"-root", "--root"}, hidden = true)
  String root = "/";

  @Option(names = {"-disk", "--disk"}, hidden = true)
  String disk;

  @Option(names = {"-poll_interval", "--poll_interval"}, hidden = true)
  long pollMillis = 1000;

  @Option(names = {"-connect_timeout", "--connect_timeout"}, hidden = true)
  long connectMillis = 2500;

  private final PrintStream out = System.out;

  public static void main(String[] args) {
    // The commonest call, as scripts and locksmith's operators type it, answered before picocli
    // loads: its Java 5 classes are most of a run's time (docs/benchmarks.md). Anything else, and
    // any failure here, takes the full path, which says what went wrong.
    if (args.length == 1 && (args[0].equals("-status") || args[0].equals("--status"))) {
      try {
        String address = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
        System.out.print(lines(QuickStatus.get(address != null ? address : BusLink.DEFAULT_ADDRESS)));
        System.out.flush();
        System.exit(0);
      } catch (QuickStatus.NoAnswer e) {
        System.err.println("update_engine_client: " + e.getMessage());
        System.exit(1);
      } catch (java.io.IOException e) {
        // the full path below retries and explains
      }
    }
    LogSetup.configure(java.util.Map.of(),
        java.util.logging.Level.WARNING);
    // Every call bounded, activation included; dbus-java's own default is far longer.
    org.freedesktop.dbus.messages.MethodCall.setDefaultTimeout(QuickStatus.ANSWER_MILLIS);
    System.exit(new CommandLine(new UpdateEngineClient())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          System.err.println("update_engine_client: " + BusErrors.describe(e));
          return 1;
        }).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (slots) {
      return Slots.print(java.nio.file.Path.of(root), disk == null ? null
          : java.nio.file.Path.of(disk), json, out);
    }
    if (extensions) {
      try {
        ExtensionsView v = ExtensionsView.of(java.nio.file.Path.of(root));
        if (json) {
          out.println(new ObjectMapper().writeValueAsString(v.json()));
        } else {
          v.print(out);
        }
        return 0;
      } catch (java.io.IOException e) {
        System.err.println("update_engine_client: " + e.getMessage());
        return 1;
      }
    }
    if (dryRun && !rollback) {
      System.err.println("update_engine_client: -dry_run goes with -rollback");
      return 1;
    }
    if (!(resetStatus || status || checkForUpdate || update || watch || rollback || bootComplete
        || bootFailed != null)) {
      System.err.println(json ? "update_engine_client: -json goes with -status, -slots or"
          + " -extensions"
          : "update_engine_client: nothing to do; see -help");
      return 1;
    }
    String address = System.getenv("DBUS_SYSTEM_BUS_ADDRESS");
    DBusConnection bus;
    try {
      bus = BusLink.connect(address, connectMillis);
    } catch (BusLink.Unreachable e) {
      System.err.println("update_engine_client: " + e.getMessage());
      return 1;
    }
    try (bus) {
      Manager m = bus.getRemoteObject(Manager.BUS_NAME, Manager.OBJECT_PATH, Manager.class);
      if (rollback) {
        return rollback(bus);
      }
      if (bootComplete || bootFailed != null) {
        Engine e = bus.getRemoteObject(Manager.BUS_NAME, Manager.OBJECT_PATH, Engine.class);
        e.BootComplete(bootComplete && bootFailed == null, bootFailed == null ? "" : bootFailed);
        return 0;
      }
      if (resetStatus) {
        return resetStatus(m);
      }
      if (status) {
        Manager.Status<?, ?, ?, ?, ?> s = m.GetStatus();
        out.print(json ? toJson(s, lastAttempt(bus), extensionsJson(), coordinatorJson()) + "\n"
            : lines(s));
        return 0;
      }
      if (checkForUpdate || update) {
        long before = lastAttempt(bus).path("last_attempt").path("sequence").asLong(-1);
        m.AttemptUpdate();
        if (checkForUpdate && !update) {
          return 0;
        }
        String op = waitForUpdate(m);
        Verdict v = Verdict.of(op, attemptAfter(bus, before));
        System.err.println(v.line());
        return v.exit();
      }
      return watch(bus);
    }
  }

  private int rollback(DBusConnection bus) throws org.freedesktop.dbus.exceptions.DBusException {
    Engine e = bus.getRemoteObject(Manager.BUS_NAME, Manager.OBJECT_PATH, Engine.class);
    try {
      out.println(e.Rollback(dryRun));
      return 0;
    } catch (DBusExecutionException x) {
      String why = TextLines.printable(x.getMessage());
      // The daemon's own refusal says why in one line; anything else is a bus error.
      System.err.println("update_engine_client: " + (why.startsWith("cannot roll back: ") ? why
          : BusErrors.describe(x)));
      return 1;
    }
  }

  private int resetStatus(Manager m) {
    try {
      m.ResetStatus();
    } catch (DBusExecutionException e) {
      System.err.println("update_engine_client: ResetStatus failed: " + e.getMessage());
      return 1;
    }
    System.err.println("ResetStatus succeeded; to undo partition table changes run:\n"
        + Slots.undoHint(java.nio.file.Path.of(root), disk == null ? null
            : java.nio.file.Path.of(disk)));
    return 0;
  }

  /** {@code dev.turnout.Engine1.GetLastAttempt}, or an empty object from an engine without it. */
  static JsonNode lastAttempt(DBusConnection bus) {
    try {
      Engine e = bus.getRemoteObject(Manager.BUS_NAME, Manager.OBJECT_PATH, Engine.class);
      return new ObjectMapper().readTree(e.GetLastAttempt());
    } catch (Exception e) {
      return new ObjectMapper().createObjectNode();
    }
  }

  /** The account of the attempt after {@code before}: the one this call started or joined. */
  private static JsonNode attemptAfter(DBusConnection bus, long before)
      throws InterruptedException {
    JsonNode a = lastAttempt(bus);
    for (int i = 0; i < 50 && a.has("last_attempt")
        && a.path("last_attempt").path("sequence").asLong(-1) <= before; i++) {
      Thread.sleep(100);
      a = lastAttempt(bus);
    }
    return a;
  }

  /** Flatcar's five lines; a daemon's string never adds a line or a control character. */
  static String lines(Manager.Status<?, ?, ?, ?, ?> s) {
    return String.format(java.util.Locale.ROOT,
        "LAST_CHECKED_TIME=%d\nPROGRESS=%f\nCURRENT_OP=%s\nNEW_VERSION=%s\nNEW_SIZE=%d\n",
        s.getLastCheckedTime(), s.getProgress(), TextLines.printable(
            String.valueOf(s.getCurrentOperation())), TextLines.printable(
            String.valueOf(s.getNewVersion())), s.getNewSize());
  }

  /** The extensions part of {@code -status -json}; null when the files cannot be read. */
  private Object extensionsJson() {
    try {
      return ExtensionsView.of(java.nio.file.Path.of(root)).json();
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  static String toJson(Manager.Status<?, ?, ?, ?, ?> s, JsonNode attempt) throws Exception {
    return toJson(s, attempt, null, null);
  }

  /**
   * The reboot coordinator's own account ({@code /run/update-engine/coordinator.conf}, as
   * locksmithd and turnout-rebootd write it): name, strategy, state, Turnout's window and since
   * when this node holds the reboot lock; null when no coordinator wrote one.
   */
  private Object coordinatorJson() {
    java.nio.file.Path conf = java.nio.file.Path.of(root, "run/update-engine/coordinator.conf");
    try {
      Map<String, String> kv = KeyValueStore.read(conf);
      if (kv.isEmpty()) {
        return null;
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", kv.getOrDefault("NAME", ""));
      m.put("strategy", kv.getOrDefault("STRATEGY", ""));
      m.put("state", kv.getOrDefault("STATE", ""));
      m.put("window", kv.containsKey("WINDOW") ? kv.get("WINDOW").replace('_', ' ') : null);
      m.put("lock_held_since", kv.containsKey("LOCK_HELD_SINCE")
          ? Long.valueOf(kv.get("LOCK_HELD_SINCE")) : null);
      return m;
    } catch (java.io.IOException | NumberFormatException e) {
      return null;
    }
  }

  static String toJson(Manager.Status<?, ?, ?, ?, ?> s, JsonNode attempt, Object extensions,
      Object coordinator) throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("last_checked_time", s.getLastCheckedTime());
    m.put("progress", s.getProgress());
    m.put("current_operation", s.getCurrentOperation());
    m.put("new_version", s.getNewVersion());
    m.put("new_size", s.getNewSize());
    m.put("last_error", attempt.path("last_error").isObject() ? attempt.get("last_error") : null);
    m.put("checks_disabled", attempt.path("checks_disabled").isTextual()
        ? attempt.get("checks_disabled").asText() : null);
    if (extensions != null) {
      m.put("extensions", extensions);
    }
    if (coordinator != null) {
      m.put("reboot_coordinator", coordinator);
    }
    return new ObjectMapper().writeValueAsString(m);
  }

  /**
   * Polls until IDLE or UPDATED_NEED_REBOOT, printing the status lines when the operation changes
   * (and every 5 s), or a progress bar on a terminal; returns the final operation.
   */
  private String waitForUpdate(Manager m) throws InterruptedException {
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
      UpdateStatus state = UpdateStatus.parse(op).orElse(null);
      if (state == UpdateStatus.IDLE || state == UpdateStatus.UPDATED_NEED_REBOOT) {
        if (tty) {
          bar.finish(lines(s));
        }
        return op;
      }
      Thread.sleep(pollMillis);
    }
  }

  /** One line per signal: when it came, and the five fields, as Flatcar's client logs them. */
  private int watch(DBusConnection bus) throws Exception {
    bus.addSigHandler(Manager.StatusUpdate.class, sig -> {
      synchronized (out) {
        out.println(watchLine(java.time.Instant.now(), new Manager.Status<>(
            sig.getLastCheckedTime(), sig.getProgress(), sig.getCurrentOperation(),
            sig.getNewVersion(), sig.getNewSize())));
        out.flush();
      }
    });
    new CountDownLatch(1).await();
    return 0;
  }

  static String watchLine(java.time.Instant at, Manager.Status<?, ?, ?, ?, ?> s) {
    return at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " "
        + lines(s).strip().replace("\n", " ");
  }
}
