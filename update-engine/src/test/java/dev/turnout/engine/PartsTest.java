package dev.turnout.engine;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.ClassDeps;
import dev.turnout.testing.PackageCycles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine is one package, so that its public types are only those other modules and the
 * launchers use; inside it, its parts below keep the layering separate packages would: every
 * class in one part, no cycle between parts, and the attempt's stored state reached only
 * through its record. A new class joins a part here, and docs/architecture.md names the parts.
 */
class PartsTest {
  private static final String ENGINE = "dev.turnout.engine.";
  private static final Path CLASSES = Path.of("target/classes");

  /** Each part and its classes, from the top (what starts the daemon) down. */
  static final Map<String, Set<String>> PARTS = Map.ofEntries(
      entry("root", Set.of("UpdateEngineMain", "Daemon", "IdleExit", "StartupChecks")),
      entry("client", Set.of("UpdateEngineClient", "BusLink", "BusErrors", "QuickStatus",
          "Slots", "ProgressBar", "Verdict")),
      entry("dbus", Set.of("Manager", "ManagerService", "Engine", "Login1Manager",
          "Authorizer", "Introspection")),
      entry("attempt", Set.of("UpdateAttempter", "Stages", "CheckScheduler", "StatusBoard",
          "AttemptEnded")),
      entry("stages", Set.of("Stage", "StageSink", "InstallPlan", "Configure", "Check", "Plan",
          "MarkTargetUnbootable", "DownloadAndApply", "Verify", "FetchExtensions", "Postinstall",
          "SetActive", "PruneExtensions", "Report")),
      entry("monitor", Set.of("Monitor", "NodeReport")),
      entry("extensions", Set.of("Extension", "ExtensionFetcher", "ExtensionLedger",
          "ExtensionSource", "ExtensionStore", "ExtensionsView", "WantedExtensions")),
      entry("boot", Set.of("BootGate", "BootMarker", "BootSlot", "BootSlots", "Disks",
          "FileDisks", "KernelBootSlots", "Kernels", "Rollback")),
      entry("state", Set.of("AttemptRecord", "PrefsAttemptRecord", "PayloadState", "PrefKeys",
          "ResumeStore", "RollbackGuard", "StatusStore")),
      entry("omaha", Set.of("OmahaClient", "OmahaTransport", "HttpOmahaTransport",
          "OmahaRequest", "OmahaResponse", "OmahaResponseParser", "OmahaParams",
          "OmahaParamsLoader", "OmahaEvent", "OmahaException", "KeyValueStore", "AlephStore",
          "ReleaseVersions", "XmlText")),
      entry("prefs", Set.of("Prefs")),
      entry("http", Set.of("HttpClients", "HttpSettings", "HttpPolicy", "OnDemandHttpClient",
          "EnvProxySelector", "LowSpeedInputStream", "PayloadSource", "HttpPayloadSource",
          "HttpStatusException", "RedirectRefusedException", "Redacted")),
      entry("status", Set.of("EngineStatus", "UpdateStatus", "ErrorCode", "UpdateException",
          "AttemptOutcome", "StatusListener")),
      entry("system", Set.of("SystemPaths", "Durable", "Hooks", "ProcessHooks", "InstanceLock",
          "LogSetup", "TextLines", "Timers", "RealTimers", "Sleeper", "Rebooter",
          "TransientLoader")));

  static String partOf(String type) {
    String simple = type.substring(ENGINE.length());
    return PARTS.entrySet().stream().filter(e -> e.getValue().contains(simple))
        .map(Map.Entry::getKey).findFirst().orElse("(no part)");
  }

  /** The engine's classes and the engine's classes each uses (nested ones as their outer). */
  static Map<String, Set<String>> classGraph() {
    return ClassDeps.graph(CLASSES, ENGINE).entrySet().stream()
        .filter(e -> !e.getKey().startsWith(ENGINE + "cli."))
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().stream()
            .filter(t -> !t.startsWith(ENGINE + "cli.")).collect(Collectors.toSet())));
  }

  @Test
  void everyClassIsInExactlyOnePart() throws IOException {
    Set<String> compiled;
    try (Stream<Path> files = Files.list(CLASSES.resolve("dev/turnout/engine"))) {
      compiled = files.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.equals("package-info.class"))
          .map(n -> n.substring(0, n.length() - ".class".length()))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> listed = new TreeSet<>();
    int count = 0;
    for (Set<String> part : PARTS.values()) {
      listed.addAll(part);
      count += part.size();
    }
    assertThat(compiled).as("the engine's classes").hasSizeGreaterThan(90);
    assertThat(listed).as("the classes the parts name").isEqualTo(compiled);
    assertThat(count).as("classes named in two parts").isEqualTo(listed.size());
  }

  @Test
  void thePartsUseEachOtherWithoutACycle() {
    Map<String, Set<String>> parts = new TreeMap<>();
    for (Map.Entry<String, Set<String>> e : classGraph().entrySet()) {
      String from = partOf(e.getKey());
      Set<String> to = parts.computeIfAbsent(from, k -> new TreeSet<>());
      e.getValue().stream().map(PartsTest::partOf).filter(p -> !p.equals(from)).forEach(to::add);
    }
    assertThat(parts.get("stages")).as("what the stages use").contains("state", "omaha");
    assertThat(PackageCycles.cycles(parts)).as("cycles between the parts").isEmpty();
  }

  @Test
  void theAttemptsStoredStateIsReachedOnlyThroughItsRecord() {
    // prefs, and the stores the record keeps in it, are the record's storage: only the record
    // and the composition root (which opens the prefs directory) may touch them.
    Set<String> storage = Set.of("Prefs", "PrefKeys", "PayloadState", "ResumeStore",
        "RollbackGuard", "StatusStore");
    Set<String> users = classGraph().entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(t -> storage.contains(
            t.substring(ENGINE.length()))))
        .map(e -> e.getKey().substring(ENGINE.length()))
        .filter(user -> !storage.contains(user))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(users).as("classes outside the record's storage that use it")
        .isNotEmpty().allMatch(u -> Set.of("state", "root").contains(partOf(ENGINE + u)));
  }
}
