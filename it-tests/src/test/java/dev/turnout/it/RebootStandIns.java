package dev.turnout.it;

import dev.turnout.engine.Manager;
import dev.turnout.reboot.Login1;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;

/**
 * What a reboot coordinator talks to on a node's bus, standing in for the real ones: an update
 * engine whose status a test sets, and logind, recording each {@code Reboot} it is asked for.
 */
final class RebootStandIns implements AutoCloseable {
  volatile String operation = "UPDATE_STATUS_UPDATED_NEED_REBOOT";
  final List<Boolean> reboots = new CopyOnWriteArrayList<>();
  private final DBusConnection conn;

  RebootStandIns(String busAddress) throws Exception {
    conn = DBusConnectionBuilder.forAddress(busAddress).build();
    conn.exportObject(Manager.OBJECT_PATH, new Manager() {
      @Override
      public void AttemptUpdate() {}

      @Override
      public void ResetStatus() {}

      @Override
      public Status<Long, Double, String, String, Long> GetStatus() {
        return new Status<>(1700000000L, 0.0, operation, "9999.0.0", 1L);
      }

      @Override
      public String getObjectPath() {
        return OBJECT_PATH;
      }
    });
    conn.requestBusName(Manager.BUS_NAME);
    logind(conn, reboots);
  }

  /** logind alone on {@code busAddress}, adding each reboot asked of it to {@code reboots}. */
  static AutoCloseable logind(String busAddress, List<Boolean> reboots) throws Exception {
    DBusConnection c = DBusConnectionBuilder.forAddress(busAddress).build();
    logind(c, reboots);
    return c::disconnect;
  }

  private static void logind(DBusConnection c, List<Boolean> reboots) throws Exception {
    c.exportObject(Login1.OBJECT_PATH, new Login1() {
      @Override
      public void Reboot(boolean interactive) {
        reboots.add(interactive);
      }

      @Override
      public String getObjectPath() {
        return OBJECT_PATH;
      }
    });
    c.requestBusName(Login1.BUS_NAME);
  }

  @Override
  public void close() {
    conn.disconnect();
  }
}
