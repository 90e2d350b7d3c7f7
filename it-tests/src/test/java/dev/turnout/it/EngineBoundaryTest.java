package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.ClassDeps;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.freedesktop.dbus.interfaces.DBusInterface;
import org.junit.jupiter.api.Test;

/**
 * update-engine's boundary: what other modules and the launchers may use of it. Its public types
 * are exactly those, the rest package-private; a new use from outside is a decision, made here,
 * not an accident, and a public type no one outside uses is one too many.
 */
class EngineBoundaryTest {
  /** The types (and their nested types) other modules and launchers use. */
  static final Set<String> API = Set.of(
      // the launchers' entry points
      "dev.turnout.engine.UpdateEngineMain", "dev.turnout.engine.cli.DaemonCommand",
      "dev.turnout.engine.UpdateEngineClient",
      // the daemon in one JVM, for tests: its options, its attempter and what that says
      "dev.turnout.engine.Daemon", "dev.turnout.engine.DownloadAndApply",
      "dev.turnout.engine.HttpSettings", "dev.turnout.engine.UpdateAttempter",
      "dev.turnout.engine.EngineStatus", "dev.turnout.engine.UpdateStatus",
      "dev.turnout.engine.ErrorCode",
      // the D-Bus interface, for the reboot coordinator and the tests
      "dev.turnout.engine.Manager",
      // what the reboot coordinator reads on the node: update.conf, prefs, the marking of a boot
      "dev.turnout.engine.KeyValueStore",
      "dev.turnout.engine.AttemptRecord", "dev.turnout.engine.PrefsAttemptRecord",
      "dev.turnout.engine.BootMarker", "dev.turnout.engine.SystemPaths",
      "dev.turnout.engine.LogSetup",
      // the Omaha client, which the lab server's tests speak to it with
      "dev.turnout.engine.OmahaClient", "dev.turnout.engine.OmahaTransport",
      "dev.turnout.engine.HttpOmahaTransport", "dev.turnout.engine.OmahaRequest",
      "dev.turnout.engine.OmahaResponse", "dev.turnout.engine.OmahaParams",
      "dev.turnout.engine.OmahaEvent", "dev.turnout.engine.HttpClients");

  /**
   * Public for dbus-java alone, which exports an object only if every interface it implements is
   * public: the daemon's D-Bus interfaces that no other module uses in Java.
   */
  static final Set<String> BUS_ONLY = Set.of("dev.turnout.engine.Engine");

  static final List<String> OTHER_MODULES =
      List.of("reboot-coordinator", "lab-server", "packaging", "it-tests");

  static boolean inApi(String type) {
    return API.contains(topLevel(type));
  }

  private static String topLevel(String type) {
    int nested = type.indexOf('$');
    return nested < 0 ? type : type.substring(0, nested);
  }

  /** What each other module's classes and test classes use of the engine, by where. */
  static Map<String, Set<String>> usesFromOtherModules() {
    Map<String, Set<String>> uses = new TreeMap<>();
    for (String module : OTHER_MODULES) {
      for (String dir : List.of("target/classes", "target/test-classes")) {
        uses.put(module + "/" + dir, ClassDeps.used(Repo.ROOT.resolve(module).resolve(dir),
            "dev.turnout.engine."));
      }
    }
    return uses;
  }

  @Test
  void otherModulesUseOnlyTheEnginesApi() {
    Map<String, Set<String>> uses = usesFromOtherModules();
    Set<String> outside = new TreeSet<>();
    uses.forEach((where, types) -> types.stream().filter(t -> !inApi(t))
        .forEach(t -> outside.add(where + " -> " + t)));
    assertThat(outside).as("uses of update-engine's internals from other modules").isEmpty();
    assertThat(uses.get("reboot-coordinator/target/classes"))
        .as("the check sees the coordinator's uses").contains("dev.turnout.engine.Manager");
  }

  @Test
  void theLaunchersStartOnlyTheEnginesEntryPoints() throws Exception {
    assertThat(namedByLaunchers()).isNotEmpty().allMatch(EngineBoundaryTest::inApi);
  }

  @Test
  void theEnginesPublicTypesAreItsApiAndEachIsUsedOutside() throws Exception {
    Path classes = Repo.ROOT.resolve("update-engine/target/classes");
    Set<String> published = new TreeSet<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(f).toString().replace('/', '.');
        name = name.substring(0, name.length() - ".class".length());
        if (!name.contains("$") && !name.endsWith("package-info")
            && Modifier.isPublic(Class.forName(name, false, getClass().getClassLoader())
                .getModifiers())) {
          published.add(name);
        }
      }
    }
    Set<String> expected = new TreeSet<>(API);
    expected.addAll(BUS_ONLY);
    assertThat(published).as("update-engine's public types").isEqualTo(expected);
    for (String bus : BUS_ONLY) {
      assertThat(DBusInterface.class.isAssignableFrom(Class.forName(bus))).as(bus).isTrue();
    }

    Set<String> usedOutside = new TreeSet<>(namedByLaunchers());
    usesFromOtherModules().values()
        .forEach(types -> types.forEach(t -> usedOutside.add(topLevel(t))));
    assertThat(API).as("API types used by another module or a launcher")
        .allMatch(usedOutside::contains);
  }

  /** The engine's classes the launchers (bin/) and the image's build (packaging) name. */
  static Set<String> namedByLaunchers() throws Exception {
    Pattern main = Pattern.compile("dev\\.turnout\\.engine\\.[A-Za-z.]*[A-Z][A-Za-z]*");
    Set<String> named = new TreeSet<>();
    List<Path> launchers = new ArrayList<>(List.of(Repo.ROOT.resolve("packaging/pom.xml")));
    try (Stream<Path> bins = Files.list(Repo.ROOT.resolve("bin"))) {
      launchers.addAll(bins.filter(Files::isRegularFile).toList());
    }
    for (Path b : launchers) {
      Matcher m = main.matcher(Files.readString(b));
      while (m.find()) {
        named.add(m.group());
      }
    }
    return named;
  }
}
