package dev.turnout.engine;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.freedesktop.dbus.DBusCallInfo;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.freedesktop.dbus.messages.ExportedObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exported {@code /com/coreos/update1} object. {@code AttemptUpdate} and {@code ResetStatus}
 * pass the {@link Authorizer} first; {@code GetStatus} is open to whoever the bus policy lets
 * through (locksmith). Every status change goes out as a {@code StatusUpdate} signal.
 */
final class ManagerService implements Manager, Engine {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerService.class);
  /**
   * GetLastAttempt's JSON, written with Jackson's streaming generator: the object mapper would
   * load some 400 classes into the daemon on the first call and keep them for its whole life.
   */
  private static final class Json {
    static final JsonFactory FACTORY = new JsonFactory();

    static String write(Map<String, Object> m) throws IOException {
      StringWriter out = new StringWriter();
      try (JsonGenerator g = FACTORY.createGenerator(out)) {
        value(g, m);
      }
      return out.toString();
    }

    private static void value(JsonGenerator g, Object v) throws IOException {
      if (v == null) {
        g.writeNull();
      } else if (v instanceof Map<?, ?> map) {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : map.entrySet()) {
          g.writeFieldName(e.getKey().toString());
          value(g, e.getValue());
        }
        g.writeEndObject();
      } else if (v instanceof Long l) {
        g.writeNumber(l);
      } else if (v instanceof Integer i) {
        g.writeNumber(i);
      } else {
        g.writeString(v.toString());
      }
    }
  }

  private final UpdateAttempter attempter;
  private final DBusConnection connection;
  private final Authorizer authorizer;
  private final LongSupplier nanoTime;
  private final BootGate gate;
  private volatile long lastCallNanos;

  /** @param nanoTime the monotonic clock that stamps each method call (for the idle exit) */
  public ManagerService(UpdateAttempter attempter, BootGate gate, DBusConnection connection,
      Set<Long> allowedUids, LongSupplier nanoTime) {
    this.gate = gate;
    this.nanoTime = nanoTime;
    this.lastCallNanos = nanoTime.getAsLong();
    this.attempter = attempter;
    this.connection = connection;
    this.authorizer = new Authorizer(allowedUids, sender -> connection.getRemoteObject(
        "org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class)
        .GetConnectionUnixUser(sender).longValue());
  }

  /** When the last method call came (for the idle exit: a client in a conversation keeps it). */
  public long lastCallNanos() {
    return lastCallNanos;
  }

  @Override
  public String getObjectPath() {
    return OBJECT_PATH;
  }

  @Override
  public void AttemptUpdate() {
    lastCallNanos = nanoTime.getAsLong();
    authorizer.check("AttemptUpdate", sender());
    attempter.attemptUpdate(true);
  }

  @Override
  public void ResetStatus() {
    lastCallNanos = nanoTime.getAsLong();
    authorizer.check("ResetStatus", sender());
    if (!attempter.resetStatus()) {
      throw new DBusExecutionException("ResetStatus is not allowed in "
          + attempter.status().operation().wireName());
    }
  }

  @Override
  public Status<Long, Double, String, String, Long> GetStatus() {
    lastCallNanos = nanoTime.getAsLong();
    EngineStatus s = attempter.status();
    return new Status<>(s.lastCheckedTime(), s.progress(), s.operation().wireName(),
        s.newVersion(), s.newSize());
  }

  @Override
  public String GetLastAttempt() {
    lastCallNanos = nanoTime.getAsLong();
    return lastAttemptJson(attempter.lastOutcome(), attempter.lastError());
  }

  @Override
  public void BootComplete(boolean reached, String detail) {
    lastCallNanos = nanoTime.getAsLong();
    authorizer.check("BootComplete", sender());
    if (reached) {
      gate.passed();
    } else {
      gate.failed(detail.isBlank() ? "boot-complete.target was not reached"
          : TextLines.printable(detail.length() > 1000 ? detail.substring(0, 1000) : detail));
    }
  }

  @Override
  public String Rollback(boolean dryRun) {
    lastCallNanos = nanoTime.getAsLong();
    if (!dryRun) {
      authorizer.check("Rollback", sender());
    }
    try {
      return attempter.rollback(dryRun);
    } catch (Rollback.Refused e) {
      throw new DBusExecutionException("cannot roll back: " + e.getMessage());
    }
  }

  /** GetLastAttempt's reply: the last attempt, the last error, why checks are disabled. */
  static String lastAttemptJson(AttemptOutcome last, AttemptOutcome err) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("last_attempt", outcome(last));
    m.put("last_error", err.result() == AttemptOutcome.Result.ERROR ? outcome(err) : null);
    m.put("checks_disabled", last.result() == AttemptOutcome.Result.CHECKS_DISABLED
        ? last.message() : null);
    try {
      return Json.write(m);
    } catch (IOException e) {
      throw new DBusExecutionException("cannot write the last attempt: " + e.getMessage());
    }
  }

  private static Map<String, Object> outcome(AttemptOutcome o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("sequence", o.sequence());
    m.put("result", o.result().name().toLowerCase(java.util.Locale.ROOT));
    m.put("time", o.time());
    if (o.result() == AttemptOutcome.Result.ERROR) {
      m.put("code", o.wireCode());
      // 2000 + HTTP status: the code is the base, the name says what it is.
      m.put("name", o.codeName());
      m.put("message", o.message());
    }
    return m;
  }

  /** Sends the {@code StatusUpdate} signal: this service's {@link StatusListener}. */
  void statusChanged(EngineStatus s) {
    try {
      connection.sendMessage(new StatusUpdate(OBJECT_PATH, s.lastCheckedTime(), s.progress(),
          s.operation().wireName(), s.newVersion(), s.newSize()));
    } catch (DBusException | RuntimeException e) {
      LOG.warn("cannot send StatusUpdate: {}", e.getMessage());
    }
  }

  /**
   * Exports this object on its connection, with its introspection data put right (see
   * {@link Introspection}): what {@code busctl introspect} and {@code gdbus introspect} show.
   */
  public void export() throws DBusException {
    connection.exportObject(OBJECT_PATH, this);
    connection.getObjectTree().add(OBJECT_PATH, new ExportedObject(this, false),
        Introspection.fix(new ExportedObject(this, false).getIntrospectiondata()));
  }

  private static String sender() {
    DBusCallInfo info = AbstractConnectionBase.getCallInfo();
    return info == null ? null : info.getSource();
  }
}
