package dev.turnout.engine;

import org.freedesktop.dbus.exceptions.DBusExecutionException;

/**
 * One line for a call that failed on the bus: what a person can act on (not allowed, nobody
 * answering, no engine), never a stack trace, never a control character from the peer.
 */
final class BusErrors {
  private BusErrors() {}

  static String describe(Throwable e) {
    if (e instanceof DBusExecutionException d) {
      String type = d.getType() == null ? "" : d.getType();
      String why = TextLines.printable(d.getMessage());
      return switch (type.substring(type.lastIndexOf('.') + 1)) {
        case "AccessDenied" -> "not allowed: the bus policy (or update_engine) refuses this call"
            + " from this user (" + why + ")";
        case "NoReply", "Timeout", "TimedOut" -> "update_engine did not answer in time (" + why
            + ")";
        case "ServiceUnknown", "NameHasNoOwner" -> "update_engine is not running and could not"
            + " be started (" + why + ")";
        default -> "D-Bus error " + TextLines.printable(type) + ": " + why;
      };
    }
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return TextLines.printable(why);
  }
}
