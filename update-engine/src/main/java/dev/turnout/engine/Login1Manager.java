package dev.turnout.engine;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** The one call the engine makes of logind ({@code org.freedesktop.login1.Manager}). */
@DBusInterfaceName("org.freedesktop.login1.Manager")
interface Login1Manager extends DBusInterface {
  String BUS_NAME = "org.freedesktop.login1";
  String OBJECT_PATH = "/org/freedesktop/login1";

  /** Reboots the machine; {@code interactive} false: no polkit prompt. */
  void Reboot(boolean interactive);
}
