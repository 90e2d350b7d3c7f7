package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.PartitionAttributes;
import dev.turnout.labserver.Channel;
import dev.turnout.labserver.LabServer;
import dev.turnout.labserver.RequestLog;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Turnout on a simulated Flatcar node under a real systemd 252 ({@link SystemdNode}): installed
 * and removed as the README says, word for word; the update through the client; D-Bus activation
 * through systemd; clean stops and a restarted crash; the timer; a boot with the image in place;
 * the hardening as it runs; the tools as {@code core}. Each scenario boots a node of its own.
 */
class RealNodeTest {
  static final Duration LONG = SystemdNode.LONG;
  static final Path IMAGE_DIR = Repo.ROOT.resolve("packaging/target");

  @TempDir Path dir;
  SystemdNode node;
  LabServer lab;
  final List<AutoCloseable> started = new ArrayList<>();

  @BeforeEach
  void setUp() throws Exception {
    SystemdNode.require();
    node = new SystemdNode(dir);
  }

  @AfterEach
  void tearDown(org.junit.jupiter.api.TestInfo test) throws Exception {
    try {
      if (node != null) {
        node.close(test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("node"));
      }
    } finally {
      if (lab != null) {
        lab.close();
      }
    }
  }

  /** The image the build made, under the name the build gives it. */
  static Path image() throws Exception {
    try (Stream<Path> s = Files.list(IMAGE_DIR)) {
      return s.filter(p -> p.getFileName().toString().matches("turnout-.*-x86-64\\.raw"))
          .findFirst().orElseThrow(() -> new AssertionError("no image in " + IMAGE_DIR
              + "; the packaging module builds it where mksquashfs is installed"));
    }
  }

  /**
   * The lines of the README's {@code sh} block after the comment {@code <!-- NAME: ...}, as a
   * script for the node's root shell: {@code sudo} is root already there.
   */
  static String readme(String name) throws Exception {
    String text = Files.readString(Repo.ROOT.resolve("README.md"));
    Matcher m = Pattern.compile("<!-- " + name + ":[^\n]*-->\n```sh\n(.*?)```", Pattern.DOTALL)
        .matcher(text);
    assertThat(m.find()).as("README has the " + name + " block").isTrue();
    return "sudo() { \"$@\"; }\nset -ex\n" + m.group(1);
  }

  /** Copies the build's image into the node's /root, where the README's commands run. */
  String copyImageIn() throws Exception {
    Path img = image();
    Files.copy(img, node.path("/root/" + img.getFileName()));
    return img.getFileName().toString();
  }

  /** The README's install steps, word for word, in /root on the node. */
  void installAsTheReadmeSays() throws Exception {
    String name = copyImageIn();
    node.ok("cd /root && " + readme("install").replace("turnout-VERSION-x86-64.raw", name));
    awaitTurnoutOnTheBus();
  }

  void awaitTurnoutOnTheBus() throws Exception {
    node.await(LONG, "Turnout's daemon to own com.coreos.update1", () -> node.journal(
        "-u update-engine.service").contains("owning com.coreos.update1"));
  }

  /** The executable of the unit's main process, as the node sees it. */
  String mainExe(String unit) throws Exception {
    long pid = node.mainPid(unit);
    return pid == 0 ? "" : node.ok("readlink /proc/" + pid + "/exe").strip();
  }

  @Test
  void installedAsTheReadmeSaysTurnoutServesTheBusAndTheToolsAreOnPath() throws Exception {
    node.boot();
    assertThat(mainExe("update-engine.service")).as("the base's engine first")
        .endsWith("dbus-test-tool");
    installAsTheReadmeSays();
    assertThat(mainExe("update-engine.service")).endsWith("/usr/lib/turnout/runtime/bin/java");
    assertThat(node.ok("systemd-sysext status --json=short")).contains("turnout");
    assertThat(node.ok("for t in update_engine_client cgpt payload; do command -v $t; done")).isEqualTo(
        "/usr/bin/update_engine_client\n/usr/bin/cgpt\n/usr/bin/payload\n");
    assertThat(node.ok("update_engine_client -status")).isEqualTo("LAST_CHECKED_TIME=0\n"
        + "PROGRESS=0.000000\nCURRENT_OP=UPDATE_STATUS_IDLE\nNEW_VERSION=0.0.0\nNEW_SIZE=0\n");
    assertThat(node.show("update-engine.timer", "ActiveState").get("ActiveState"))
        .as("the timer armed by the image's own link").isEqualTo("active");
  }
}
