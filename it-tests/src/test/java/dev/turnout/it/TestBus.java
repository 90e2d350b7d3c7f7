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

  private final Path sockDir;

  private TestBus(String address, Proc proc, Path sockDir) {
    this.address = address;
    this.proc = proc;
    this.sockDir = sockDir;
  }

  /** The default context of Debian's system.conf, before any service's policy. */
  private static final String SYSTEM_DEFAULTS = "<policy context=\"default\">"
      + "<allow user=\"*\"/><deny own=\"*\"/><deny send_type=\"method_call\"/>"
      + "<allow send_type=\"signal\"/>"
      + "<allow send_requested_reply=\"true\" send_type=\"method_return\"/>"
      + "<allow send_requested_reply=\"true\" send_type=\"error\"/>"
      + "<allow receive_type=\"method_call\"/><allow receive_type=\"method_return\"/>"
      + "<allow receive_type=\"error\"/><allow receive_type=\"signal\"/>"
      + "<allow send_destination=\"org.freedesktop.DBus\"/></policy>";

  static TestBus start(Path dir, Path includePolicy) throws Exception {
    return start(dir, includePolicy, null);
  }

  /** With {@code serviceDir}: the bus starts the services whose activation files are there. */
  static TestBus start(Path dir, Path includePolicy, Path serviceDir) throws Exception {
    // The socket sits in a directory every user can reach, so tests can call as nobody.
    Path sockDir = Files.createTempDirectory("turnout-bus");
    sockDir.toFile().setExecutable(true, false);
    sockDir.toFile().setReadable(true, false);
    Path socket = sockDir.resolve("bus");
    String policy = includePolicy != null ? SYSTEM_DEFAULTS + "<include>" + includePolicy
        + "</include>"
        : "<policy context=\"default\"><allow user=\"*\"/><allow own=\"*\"/>"
            + "<allow send_destination=\"*\"/><allow receive_sender=\"*\"/></policy>";
    Path conf = Files.writeString(dir.resolve("bus.conf"), "<busconfig><type>system</type>"
        + "<listen>unix:path=" + socket + "</listen><auth>EXTERNAL</auth>"
        + (serviceDir == null ? "" : "<servicedir>" + serviceDir + "</servicedir>") + policy
        + "</busconfig>");
    Proc p = Proc.start(dir.resolve("bus.log"), Map.of(), "dbus-daemon",
        "--config-file=" + conf, "--nofork", "--print-address");
    p.await(Duration.ofSeconds(10), "the bus", log -> log.contains("unix:path="));
    return new TestBus("unix:path=" + socket, p, sockDir);
  }

  Map<String, String> env() {
    return Map.of("DBUS_SYSTEM_BUS_ADDRESS", address);
  }

  @Override
  public void close() throws Exception {
    proc.close();
    Files.deleteIfExists(sockDir.resolve("bus"));
    Files.deleteIfExists(sockDir);
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
