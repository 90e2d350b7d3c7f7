package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.freedesktop.dbus.messages.ExportedObject;
import org.junit.jupiter.api.Test;

/** What {@code busctl introspect} shows of the exported object, as update_engine declares it. */
class IntrospectionTest {
  /** The introspection XML dbus-java generates for an object implementing {@link Manager}. */
  static String introspect() throws Exception {
    Manager m = new Manager() {
      @Override
      public String getObjectPath() {
        return OBJECT_PATH;
      }

      @Override
      public void AttemptUpdate() {}

      @Override
      public void ResetStatus() {}

      @Override
      public Status<Long, Double, String, String, Long> GetStatus() {
        return null;
      }
    };
    return new ExportedObject(m, false).getIntrospectiondata();
  }

  @Test
  void getStatusDeclaresExactlyItsFiveOutArguments() throws Exception {
    String xml = Introspection.fix(introspect());
    Matcher method = Pattern.compile("(?s)<method name=\"GetStatus\"\\s*>(.*?)</method>")
        .matcher(xml);
    assertThat(method.find()).as(xml).isTrue();
    StringBuilder types = new StringBuilder();
    Matcher arg = Pattern.compile("<arg type=\"([^\"]+)\" direction=\"out\"").matcher(
        method.group(1));
    while (arg.find()) {
      types.append(arg.group(1));
    }
    assertThat(types.toString()).isEqualTo("xdssx");
    assertThat(xml).contains("<signal name=\"StatusUpdate\">")
        .contains("<method name=\"Introspect\"");
    assertThat(xml.split("<interface name=\"org.freedesktop.DBus.Introspectable\">", -1))
        .hasSize(2);
  }
}
