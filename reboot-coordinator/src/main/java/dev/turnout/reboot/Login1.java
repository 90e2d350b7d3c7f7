package dev.turnout.reboot;

import org.freedesktop.dbus.annotations.DBusInterfaceName;
import org.freedesktop.dbus.interfaces.DBusInterface;

/** logind's manager, as locksmithd calls it: {@code Reboot(false)}. */
@DBusInterfaceName("org.freedesktop.login1.Manager")
public interface Login1 extends DBusInterface {
  String BUS_NAME = "org.freedesktop.login1";
  String OBJECT_PATH = "/org/freedesktop/login1";

  /** Reboots; {@code interactive} false: no polkit prompt. */
  void Reboot(boolean interactive);
}
