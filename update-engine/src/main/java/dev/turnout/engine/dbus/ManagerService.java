package dev.turnout.engine.dbus;

import dev.turnout.engine.status.EngineStatus;
import dev.turnout.engine.status.StatusListener;
import dev.turnout.engine.attempt.UpdateAttempter;
import java.util.Set;
import org.freedesktop.dbus.DBusCallInfo;
import org.freedesktop.dbus.connections.base.AbstractConnectionBase;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.errors.AccessDenied;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.freedesktop.dbus.interfaces.DBus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exported {@code /com/coreos/update1} object. Authorization in depth: besides the bus policy,
 * {@code AttemptUpdate} and {@code ResetStatus} check the caller's UID
 * ({@code GetConnectionUnixUser}) against root and the {@code core} user, and answer anyone else
 * with {@code org.freedesktop.DBus.Error.AccessDenied}. {@code GetStatus} is open to whoever the
 * policy lets through (locksmith).
 */
public final class ManagerService implements Manager, StatusListener {
  private static final Logger LOG = LoggerFactory.getLogger(ManagerService.class);

  private final UpdateAttempter attempter;
  private final DBusConnection connection;
  private final Set<Long> allowedUids;

  public ManagerService(UpdateAttempter attempter, DBusConnection connection,
      Set<Long> allowedUids) {
    this.attempter = attempter;
    this.connection = connection;
    this.allowedUids = Set.copyOf(allowedUids);
  }

  @Override
  public String getObjectPath() {
    return OBJECT_PATH;
  }

  @Override
  public void AttemptUpdate() {
    authorize("AttemptUpdate");
    attempter.attemptUpdate(true);
  }

  @Override
  public void ResetStatus() {
    authorize("ResetStatus");
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

  private void authorize(String method) {
    DBusCallInfo info = AbstractConnectionBase.getCallInfo();
    String sender = info == null ? null : info.getSource();
    long uid;
    try {
      DBus bus = connection.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus",
          DBus.class);
      uid = bus.GetConnectionUnixUser(sender).longValue();
    } catch (DBusException | RuntimeException e) {
      LOG.warn("{} from {}: cannot tell who is calling ({}); refused", method, sender,
          e.getMessage());
      throw new AccessDenied(method + ": cannot identify the caller");
    }
    if (!allowedUids.contains(uid)) {
      LOG.warn("{} from {} (uid {}) refused", method, sender, uid);
      throw new AccessDenied(method + " is not allowed for uid " + uid);
    }
  }
}
