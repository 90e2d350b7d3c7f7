package dev.turnout.engine.dbus;

import dev.turnout.engine.attempt.UpdateAttempter;
import dev.turnout.engine.status.EngineStatus;
import dev.turnout.engine.status.StatusListener;
import java.util.Set;
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
public final class ManagerService implements Manager, StatusListener {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerService.class);

  private final UpdateAttempter attempter;
  private final DBusConnection connection;
  private final Authorizer authorizer;

  public ManagerService(UpdateAttempter attempter, DBusConnection connection,
      Set<Long> allowedUids) {
    this.attempter = attempter;
    this.connection = connection;
    this.authorizer = new Authorizer(allowedUids, sender -> connection.getRemoteObject(
        "org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class)
        .GetConnectionUnixUser(sender).longValue());
  }

  @Override
  public String getObjectPath() {
    return OBJECT_PATH;
  }

  @Override
  public void AttemptUpdate() {
    authorizer.check("AttemptUpdate", sender());
    attempter.attemptUpdate(true);
  }

  @Override
  public void ResetStatus() {
    authorizer.check("ResetStatus", sender());
    if (!attempter.resetStatus()) {
      throw new DBusExecutionException("ResetStatus is not allowed in "
          + attempter.status().operation().wireName());
    }
  }

  @Override
  public Status<Long, Double, String, String, Long> GetStatus() {
    EngineStatus s = attempter.status();
    return new Status<>(s.lastCheckedTime(), s.progress(), s.operation().wireName(),
        s.newVersion(), s.newSize());
  }

  @Override
  public void statusChanged(EngineStatus s) {
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
