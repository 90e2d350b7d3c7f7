package dev.turnout.reboot;

import dev.turnout.engine.Manager;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.exceptions.DBusException;
import org.freedesktop.dbus.exceptions.DBusExecutionException;

/** The engine and logind on the system bus (or {@code DBUS_SYSTEM_BUS_ADDRESS}). */
final class BusParts implements Coordinator.Engine, Coordinator.Rebooter, AutoCloseable {
  private final DBusConnection bus;

  BusParts(DBusConnection bus) {
    this.bus = bus;
  }

  @Override
  public String currentOperation() throws IOException {
    try {
      return bus.getRemoteObject(Manager.BUS_NAME, Manager.OBJECT_PATH, Manager.class).GetStatus()
          .getCurrentOperation();
    } catch (DBusException | DBusExecutionException e) {
      throw new IOException("cannot get update engine status: " + e.getMessage(), e);
    }
  }

  @Override
  public void awaitNeedReboot() throws IOException, InterruptedException {
    CountDownLatch need = new CountDownLatch(1);
    try {
      bus.addSigHandler(Manager.StatusUpdate.class, s -> {
        if (Coordinator.NEED_REBOOT.equals(s.getCurrentOperation())) {
          need.countDown();
        }
      });
    } catch (DBusException e) {
      throw new IOException("cannot listen to the update engine: " + e.getMessage(), e);
    }
    if (Coordinator.NEED_REBOOT.equals(currentOperation())) {
      return; // said before the handler was in place
    }
    need.await();
  }

  @Override
  public void reboot() throws IOException {
    try {
      bus.getRemoteObject(Login1.BUS_NAME, Login1.OBJECT_PATH, Login1.class).Reboot(false);
    } catch (DBusException | DBusExecutionException e) {
      throw new IOException("logind refused the reboot: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    bus.disconnect();
  }
}
