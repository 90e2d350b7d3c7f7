package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.freedesktop.dbus.errors.AccessDenied;
import org.freedesktop.dbus.errors.NoReply;
import org.freedesktop.dbus.exceptions.DBusExecutionException;
import org.junit.jupiter.api.Test;

class BusErrorsTest {
  @Test
  void aCallerThePolicyRefusesGetsOneLineNamingWhy() {
    String line = BusErrors.describe(new AccessDenied("Rejected send message, 2 matched rules;"
        + " type=\"method_call\", sender=\":1.9\" (uid=1000)"));
    assertThat(line).startsWith("not allowed: the bus policy (or update_engine) refuses this call"
        + " from this user (Rejected send message").doesNotContain("\n");
  }

  @Test
  void noReplyAndUnknownErrorsAreOneLineWithoutControlCharacters() {
    assertThat(BusErrors.describe(new NoReply("no reply within 25000 ms")))
        .isEqualTo("update_engine did not answer in time (no reply within 25000 ms)");
    DBusExecutionException odd = new DBusExecutionException("line one\nCURRENT_OP=FAKE\u001b[2J");
    assertThat(BusErrors.describe(odd)).startsWith("D-Bus error ")
        .endsWith(": line one CURRENT_OP=FAKE [2J");
  }
}
