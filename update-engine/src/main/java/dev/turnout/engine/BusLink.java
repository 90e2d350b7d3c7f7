package dev.turnout.engine;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.freedesktop.dbus.connections.impl.DBusConnection;
import org.freedesktop.dbus.connections.impl.DBusConnectionBuilder;
import org.freedesktop.dbus.interfaces.DBus;

/**
 * The client's connection to the daemon, or within {@code waitMillis} a one-line reason why
 * there is none: a missing bus, a bus without {@code com.coreos.update1}, a bus that does not
 * answer. Never the 30 s and more of retries that tell a user nothing.
 */
final class BusLink {
  static final String DEFAULT_ADDRESS = "unix:path=/run/dbus/system_bus_socket";

  private BusLink() {}

  /** A failure to reach the daemon, with the message a user reads. */
  static final class Unreachable extends Exception {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }

  /** Connects to {@code address} (null: the system bus) and waits for the daemon's name. */
  static DBusConnection connect(String address, long waitMillis) throws Unreachable,
      InterruptedException {
    String shown = address != null ? address : DEFAULT_ADDRESS;
    ExecutorService exec = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "bus-connect");
      t.setDaemon(true);
      return t;
    });
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    try {
      Future<DBusConnection> f = exec.submit(() -> address != null
          ? DBusConnectionBuilder.forAddress(address).build()
          : DBusConnectionBuilder.forSystemBus().build());
      DBusConnection c;
      try {
        c = f.get(waitMillis, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        throw unreachable(shown, "no message bus there (" + rootCause(e) + ")");
      } catch (TimeoutException e) {
        f.cancel(true);
        throw unreachable(shown, "the message bus does not answer");
      }
      DBus dbus = c.getRemoteObject("org.freedesktop.DBus", "/org/freedesktop/DBus", DBus.class);
      if (!owned(dbus) && activate(dbus)) {
        // The bus is starting the daemon (D-Bus activation): give a JVM time to come up.
        deadline = Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
      }
      while (true) {
        try {
          if (dbus.NameHasOwner(Manager.BUS_NAME)) {
            return c;
          }
        } catch (RuntimeException e) {
          // the bus is going away; counts as not there
        }
        if (System.nanoTime() >= deadline) {
          c.disconnect();
          throw unreachable(shown, "nothing owns " + Manager.BUS_NAME + " on the bus");
        }
        Thread.sleep(200);
      }
    } catch (org.freedesktop.dbus.exceptions.DBusException e) {
      throw unreachable(shown, e.getMessage());
    } finally {
      exec.shutdownNow();
    }
  }

  private static boolean owned(DBus dbus) {
    try {
      return dbus.NameHasOwner(Manager.BUS_NAME);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Asks the bus to start the daemon; false when it cannot (the name is not activatable). */
  private static boolean activate(DBus dbus) {
    try {
      dbus.StartServiceByName(Manager.BUS_NAME, new org.freedesktop.dbus.types.UInt32(0));
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Unreachable unreachable(String address, String why) {
    return new Unreachable("cannot reach update_engine (" + Manager.BUS_NAME + ") on the system"
        + " bus at " + address + ": " + why + ". Is update-engine.service running? The bus"
        + " address comes from DBUS_SYSTEM_BUS_ADDRESS=" + address);
  }

  private static String rootCause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }
}
