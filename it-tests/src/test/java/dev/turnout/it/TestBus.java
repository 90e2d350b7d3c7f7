package dev.turnout.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A private {@code dbus-daemon} with a system-bus-like configuration, listening on a socket in the
 * test's directory. The default policy lets the test's own user do everything; a test can pass the
 * shipped policy file instead.
 */
final class TestBus implements AutoCloseable {
  final String address;
  private final Proc proc;

  private TestBus(String address, Proc proc) {
    this.address = address;
    this.proc = proc;
  }

  static TestBus start(Path dir, Path includePolicy) throws Exception {
    Path socket = dir.resolve("bus");
    String policy = includePolicy != null ? "<include>" + includePolicy + "</include>"
        : "<policy context=\"default\"><allow user=\"*\"/><allow own=\"*\"/>"
            + "<allow send_destination=\"*\"/><allow receive_sender=\"*\"/></policy>";
    Path conf = Files.writeString(dir.resolve("bus.conf"), "<busconfig><type>system</type>"
        + "<listen>unix:path=" + socket + "</listen><auth>EXTERNAL</auth>"
        + "<policy context=\"default\"><allow user=\"*\"/><allow send_type=\"method_call\""
        + " send_destination=\"org.freedesktop.DBus\"/></policy>" + policy + "</busconfig>");
    Proc p = Proc.start(dir.resolve("bus.log"), Map.of(), "dbus-daemon",
        "--config-file=" + conf, "--nofork", "--print-address");
    p.await(Duration.ofSeconds(10), "the bus", log -> log.contains("unix:path="));
    return new TestBus("unix:path=" + socket, p);
  }

  Map<String, String> env() {
    return Map.of("DBUS_SYSTEM_BUS_ADDRESS", address);
  }

  @Override
  public void close() throws Exception {
    proc.close();
  }

  static boolean available() {
    return Files.isExecutable(Path.of("/usr/bin/dbus-daemon"));
  }

  static void require() {
    if (!available() && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("dbus-daemon is missing; .ci/run installs package dbus");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(available(),
        "dbus-daemon not installed (apt-get install dbus)");
  }
}
