package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.ClassDeps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine is one package, so that its public types are only those other modules and the
 * launchers use; inside it, its parts below keep the layering separate packages would: every
 * class in one part, each part using only the parts below it, and the attempt's stored state
 * reached only through its record. A new class joins a part here; docs/architecture.md and the
 * package's package-info name the parts in the same order.
 */
class PartsTest {
  private static final String ENGINE = "dev.turnout.engine.";
  private static final Path CLASSES = Path.of("target/classes");

  /** A part of the engine: a name and its classes' simple names. */
  record Part(String name, Set<String> classes) {}

  /** The parts from the top (the launchers' entry points) down; each uses only parts below. */
  static final List<Part> PARTS = List.of(
      new Part("client", Set.of("UpdateEngineClient", "BusLink", "BusErrors", "QuickStatus",
          "Slots", "ProgressBar", "Verdict")),
      new Part("root", Set.of("UpdateEngineMain", "Daemon", "IdleExit", "StartupChecks")),
      new Part("dbus", Set.of("Manager", "ManagerService", "Engine", "Login1Manager",
          "Authorizer", "Introspection")),
      new Part("attempt", Set.of("UpdateAttempter", "Stages", "CheckScheduler", "StatusBoard",
          "AttemptEnded")),
      new Part("stages", Set.of("Stage", "StageSink", "InstallPlan", "Configure", "Check", "Plan",
          "MarkTargetUnbootable", "DownloadAndApply", "Verify", "FetchExtensions", "Postinstall",
          "SetActive", "PruneExtensions", "Report")),
      new Part("monitor", Set.of("Monitor", "NodeReport")),
      new Part("extensions", Set.of("Extension", "ExtensionFetcher", "ExtensionLedger",
          "ExtensionSource", "ExtensionStore", "ExtensionsView", "WantedExtensions")),
      new Part("boot", Set.of("BootGate", "BootMarker", "BootSlot", "BootSlots", "Disks",
          "FileDisks", "KernelBootSlots", "Kernels", "Rollback")),
      new Part("state", Set.of("AttemptRecord", "PrefsAttemptRecord", "PayloadState", "PrefKeys",
          "ResumeStore", "RollbackGuard", "StatusStore")),
      new Part("omaha", Set.of("OmahaClient", "OmahaTransport", "HttpOmahaTransport",
          "OmahaRequest", "OmahaResponse", "OmahaResponseParser", "OmahaParams",
          "OmahaParamsLoader", "OmahaEvent", "OmahaException", "KeyValueStore", "AlephStore",
          "ReleaseVersions", "XmlText")),
      new Part("http", Set.of("HttpClients", "HttpSettings", "HttpPolicy", "OnDemandHttpClient",
          "EnvProxySelector", "LowSpeedInputStream", "PayloadSource", "HttpPayloadSource",
          "HttpStatusException", "RedirectRefusedException", "Redacted")),
      new Part("prefs", Set.of("Prefs")),
      new Part("status", Set.of("EngineStatus", "UpdateStatus", "ErrorCode", "UpdateException",
          "AttemptOutcome", "StatusListener")),
      new Part("system", Set.of("SystemPaths", "Durable", "Hooks", "ProcessHooks", "InstanceLock",
          "LogSetup", "TextLines", "Timers", "RealTimers", "Sleeper", "Rebooter",
          "TransientLoader")));

  /** The index in {@link #PARTS} of the part holding {@code type}. */
  static int partOf(String type) {
    String simple = type.substring(ENGINE.length());
    for (int i = 0; i < PARTS.size(); i++) {
      if (PARTS.get(i).classes().contains(simple)) {
        return i;
      }
    }
    throw new AssertionError(type + " is in no part");
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
    for (Part part : PARTS) {
      listed.addAll(part.classes());
      count += part.classes().size();
    }
    assertThat(compiled).as("the engine's classes").hasSizeGreaterThan(90);
    assertThat(listed).as("the classes the parts name").isEqualTo(compiled);
    assertThat(count).as("classes named in two parts").isEqualTo(listed.size());
  }

  @Test
  void eachPartUsesOnlyItselfAndThePartsBelowIt() {
    Set<String> upward = new TreeSet<>();
    Set<String> stagesUse = new TreeSet<>();
    for (Map.Entry<String, Set<String>> e : classGraph().entrySet()) {
      int from = partOf(e.getKey());
      for (String used : e.getValue()) {
        int to = partOf(used);
        if (to < from) {
          upward.add(e.getKey() + " (" + PARTS.get(from).name() + ") -> " + used + " ("
              + PARTS.get(to).name() + ")");
        }
        if (PARTS.get(from).name().equals("stages")) {
          stagesUse.add(PARTS.get(to).name());
        }
      }
    }
    assertThat(stagesUse).as("the parts the stages use").contains("state", "omaha");
    assertThat(upward).as("uses of a part above").isEmpty();
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
        .isNotEmpty()
        .allMatch(u -> Set.of("state", "root").contains(PARTS.get(partOf(ENGINE + u)).name()));
  }
}
