package dev.turnout.engine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One log line per event on stderr. Under systemd ({@code JOURNAL_STREAM} set: stderr is the
 * journal) each line starts with its syslog priority, {@code <3>} error, {@code <4>} warning,
 * {@code <6>} info, {@code <7>} debug, so {@code journalctl -p err -u update-engine} works and the
 * journal adds the time; elsewhere each line starts with the time. A stack trace follows only a
 * record that carries one (the unexpected), never an expected condition.
 */
public final class LogSetup {
  private LogSetup() {}

  /**
   * The log manager for the daemon's JVM: java.util.logging's own shutdown hook resets every
   * handler as the JVM exits, which would lose what the daemon says while it stops (the attempt
   * it abandons, the locks it frees). This one ignores that reset. Named by
   * {@code java.util.logging.manager} before the first logger is made.
   */
  public static final class KeepLoggingManager extends LogManager {
    @Override
    public void reset() {
      // not at shutdown: the daemon's own shutdown hook still logs
    }

    void resetForSetup() {
      super.reset();
    }
  }

  /** Call first in {@code main}: keeps the logs going until the JVM has stopped. */
  public static void keepLoggingAtShutdown() {
    System.setProperty("java.util.logging.manager", KeepLoggingManager.class.getName());
  }

  /** Routes every logger to stderr at {@code level} (libraries' chatter at warnings only). */
  public static void configure(Map<String, String> env, Level level) {
    LogManager m = LogManager.getLogManager();
    if (m instanceof KeepLoggingManager k) {
      k.resetForSetup();
    } else {
      m.reset();
    }
    Logger root = Logger.getLogger("");
    Handler h = new ConsoleHandler();
    h.setLevel(Level.ALL);
    h.setFormatter(env.containsKey("JOURNAL_STREAM") ? new Journal() : new Plain());
    root.addHandler(h);
    root.setLevel(level);
    Logger.getLogger("org.freedesktop").setLevel(Level.WARNING);
    Logger.getLogger("okhttp3").setLevel(Level.WARNING);
  }

  /** {@code <6>UpdateAttempter: message}. */
  static final class Journal extends Formatter {
    @Override
    public String format(LogRecord r) {
      return "<" + priority(r.getLevel()) + ">" + shortName(r) + ": " + formatMessage(r)
          + "\n" + trace(r);
    }
  }

  /** {@code 2026-12-01T22:30:00.123Z INFO UpdateAttempter: message}. */
  static final class Plain extends Formatter {
    @Override
    public String format(LogRecord r) {
      return Instant.ofEpochMilli(r.getMillis()) + " " + name(r.getLevel()) + " " + shortName(r)
          + ": " + formatMessage(r) + "\n" + trace(r);
    }
  }

  static int priority(Level l) {
    int v = l.intValue();
    return v >= Level.SEVERE.intValue() ? 3 : v >= Level.WARNING.intValue() ? 4
        : v >= Level.INFO.intValue() ? 6 : 7;
  }

  private static String name(Level l) {
    return switch (priority(l)) {
      case 3 -> "ERROR";
      case 4 -> "WARN";
      case 6 -> "INFO";
      default -> "DEBUG";
    };
  }

  private static String shortName(LogRecord r) {
    String n = r.getLoggerName() == null ? "" : r.getLoggerName();
    return n.substring(n.lastIndexOf('.') + 1);
  }

  private static String trace(LogRecord r) {
    if (r.getThrown() == null) {
      return "";
    }
    StringWriter w = new StringWriter();
    r.getThrown().printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
