package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code update_engine_client} against a bus-name owner that is not an update engine: one that
 * never replies, one that replies with the wrong signature. The client answers within a few
 * seconds, in one line, never with a stack trace (issue "Hardening, part three", case 9).
 */
class HostileBusPeerTest extends RigTest {
  @BeforeEach
  void tool() {
    boolean present = java.nio.file.Files.isExecutable(java.nio.file.Path.of(
        "/usr/bin/dbus-test-tool"));
    if (!present && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("dbus-test-tool is missing; .ci/run installs package dbus-tests");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(present,
        "dbus-test-tool not installed (apt-get install dbus-tests)");
  }

  private Proc owner(String mode) throws Exception {
    Proc p = Proc.start(dir.resolve(mode + ".log"), bus.env(), "dbus-test-tool", mode,
        "--system", "--name=com.coreos.update1");
    started.add(p);
    long end = System.nanoTime() + LONG.toNanos();
    while (Proc.run(LONG, Map.of(), "busctl", "--address=" + bus.address, "status",
        "com.coreos.update1").exit() != 0) {
      assertThat(System.nanoTime()).as("dbus-test-tool to own the name").isLessThan(end);
      Thread.sleep(50);
    }
    return p;
  }

  private void oneLineWithin(Proc.Result r, long millis, Duration limit, String startsWith) {
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).as("nothing on stdout").isEmpty();
    assertThat(r.err()).startsWith("update_engine_client: " + startsWith).hasLineCount(1)
        .doesNotContain("\tat ").doesNotContain("Exception");
    assertThat(Duration.ofMillis(millis)).isLessThan(limit);
  }

  @Test
  void aNameOwnerThatNeverRepliesGetsOneLineWithinSeconds() throws Exception {
    owner("black-hole");
    long t0 = System.nanoTime();
    Proc.Result status = client("-status");
    oneLineWithin(status, (System.nanoTime() - t0) / 1_000_000, Duration.ofSeconds(20),
        "update_engine did not answer");
    t0 = System.nanoTime();
    Proc.Result update = client("-check_for_update");
    oneLineWithin(update, (System.nanoTime() - t0) / 1_000_000, Duration.ofSeconds(30),
        "update_engine did not answer");
  }

  @Test
  void aReplyOfTheWrongSignatureIsOneLine() throws Exception {
    owner("echo"); // replies to every call with an empty body
    long t0 = System.nanoTime();
    Proc.Result status = client("-status");
    assertThat(status.exit()).isEqualTo(1);
    assertThat(status.out()).isEmpty();
    assertThat(status.err()).startsWith("update_engine_client: ").hasLineCount(1)
        .doesNotContain("\tat ");
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    Proc.Result json = client("-status", "-json");
    assertThat(json.exit()).isEqualTo(1);
    assertThat(json.err()).hasLineCount(1).doesNotContain("\tat ");
  }
}
