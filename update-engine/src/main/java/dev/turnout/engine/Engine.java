package dev.turnout.engine;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/**
 * {@code dev.turnout.Engine1}, beside {@code com.coreos.update1.Manager} on the same object:
 * what Turnout tells beyond Flatcar's API. Open to whoever the bus policy lets through. Public
 * for dbus-java, which exports only public interfaces; no other module uses it in Java.
 */
@DBusInterfaceName("dev.turnout.Engine1")
public interface Engine extends DBusInterface {
  /**
   * A JSON object: {@code last_attempt} ({@code sequence}, {@code result}: none, no_update,
   * updated, checks_disabled or error, {@code time}, and for an error {@code code}, {@code name}
   * and {@code message}), {@code last_error} (the same for the last attempt that failed, or null)
   * and {@code checks_disabled} (why, or null).
   */
  String GetLastAttempt();

  /**
   * Makes the other USR partition the next boot when that is safe (it is marked successful, its
   * kernel is in /boot, nothing is being installed or awaits a reboot); with {@code dryRun} only
   * says what it would do. Returns the line to show; a refusal is an error whose message is the
   * reason, in one line.
   */
  String Rollback(boolean dryRun);

  /**
   * What {@code turnout-boot-complete.service} says of this boot: {@code boot-complete.target}
   * was reached (the booted slot may be marked good), or not, with what failed. Root only.
   */
  void BootComplete(boolean reached, String detail);
}
