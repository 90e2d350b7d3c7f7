package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.ClassDeps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * update-engine's boundary: what other modules and the launchers may use of it. Its other types
 * are public only because its own packages share them; a new use from outside is a decision,
 * made here, not an accident.
 */
class EngineBoundaryTest {
  /** The types (and their nested types) other modules and launchers use. */
  static final Set<String> API = Set.of(
      // the launchers' entry points
      "dev.turnout.engine.UpdateEngineMain", "dev.turnout.engine.cli.DaemonCommand",
      "dev.turnout.engine.client.UpdateEngineClient",
      // the daemon in one JVM, for tests: its options, its attempter and what that says
      "dev.turnout.engine.Daemon", "dev.turnout.engine.stages.DownloadAndApply",
      "dev.turnout.engine.http.HttpSettings", "dev.turnout.engine.attempt.UpdateAttempter",
      "dev.turnout.engine.status.EngineStatus", "dev.turnout.engine.status.UpdateStatus",
      "dev.turnout.engine.status.ErrorCode",
      // the D-Bus interface, for the reboot coordinator and the tests
      "dev.turnout.engine.dbus.Manager",
      // what the reboot coordinator reads on the node: update.conf, prefs, the marking of a boot
      "dev.turnout.engine.omaha.KeyValueStore",
      "dev.turnout.engine.state.AttemptRecord", "dev.turnout.engine.state.PrefsAttemptRecord",
      "dev.turnout.engine.boot.BootMarker", "dev.turnout.engine.system.SystemPaths",
      "dev.turnout.engine.system.LogSetup",
      // the Omaha client, which the lab server's tests speak to it with
      "dev.turnout.engine.omaha.OmahaClient", "dev.turnout.engine.omaha.OmahaTransport",
      "dev.turnout.engine.omaha.HttpOmahaTransport",
      "dev.turnout.engine.omaha.OmahaRequest", "dev.turnout.engine.omaha.OmahaResponse",
      "dev.turnout.engine.omaha.OmahaParams", "dev.turnout.engine.omaha.OmahaEvent",
      "dev.turnout.engine.http.HttpClients");

  static boolean inApi(String type) {
    int nested = type.indexOf('$');
    return API.contains(nested < 0 ? type : type.substring(0, nested));
  }

  @Test
  void otherModulesUseOnlyTheEnginesApi() {
    Set<String> outside = new TreeSet<>();
    for (String module : List.of("reboot-coordinator", "lab-server", "packaging", "it-tests")) {
      for (String dir : List.of("target/classes", "target/test-classes")) {
        for (String used : ClassDeps.used(Repo.ROOT.resolve(module).resolve(dir),
            "dev.turnout.engine.")) {
          if (!inApi(used)) {
            outside.add(module + "/" + dir + " -> " + used);
          }
        }
      }
    }
    assertThat(outside).as("uses of update-engine's internals from other modules").isEmpty();
    assertThat(ClassDeps.used(Repo.ROOT.resolve("reboot-coordinator/target/classes"),
        "dev.turnout.engine.")).as("the check sees the coordinator's uses")
        .contains("dev.turnout.engine.dbus.Manager");
  }

  @Test
  void theLaunchersStartOnlyTheEnginesEntryPoints() throws Exception {
    Pattern main = Pattern.compile("dev\\.turnout\\.engine\\.[A-Za-z.]+");
    Set<String> named = new TreeSet<>();
    try (Stream<Path> bins = Files.list(Repo.ROOT.resolve("bin"))) {
      for (Path b : bins.filter(Files::isRegularFile).toList()) {
        Matcher m = main.matcher(Files.readString(b));
        while (m.find()) {
          named.add(m.group());
        }
      }
    }
    assertThat(named).isNotEmpty().allMatch(EngineBoundaryTest::inApi);
  }
}
