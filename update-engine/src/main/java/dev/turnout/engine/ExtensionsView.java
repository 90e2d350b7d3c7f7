package dev.turnout.engine;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The wanted extensions for the booted version and for the next one (the version an update is
 * fetching or has installed), each present, missing, in progress or left behind; read from the
 * machine's files, so it answers with the daemon stopped too.
 */
final class ExtensionsView {
  private final List<Extension> wanted;
  private final String booted;
  private final String next;
  private final ExtensionStore store;
  private final List<String> leftBehind;

  private ExtensionsView(SystemPaths paths) throws IOException {
    wanted = WantedExtensions.read(paths);
    booted = KeyValueStore.read(paths.release()).getOrDefault("FLATCAR_RELEASE_VERSION", "");
    AttemptRecord record = PrefsAttemptRecord.on(paths);
    ExtensionLedger ledger = new ExtensionLedger(record);
    String target = ledger.target();
    next = target.isEmpty() || target.equals(booted) ? "" : target;
    leftBehind = next.isEmpty() ? List.of() : ledger.leftBehind(next);
    store = new ExtensionStore(paths, record);
  }

  public static ExtensionsView of(java.nio.file.Path root) throws IOException {
    return new ExtensionsView(new SystemPaths(root));
  }

  private String state(Extension e, String version) {
    if (store.present(e, version)) {
      return "present";
    }
    if (store.inProgress(e, version)) {
      return "in progress";
    }
    return leftBehind.contains(e.id()) && version.equals(next) ? "left behind" : "missing";
  }

  /** The booted version and each wanted extension's state for it ("present", "missing", ...). */
  public Map<String, String> bootedStates() {
    return states(booted);
  }

  /** The next version (fetching or installed), or empty. */
  public String next() {
    return next;
  }

  /** Each wanted extension's state for the next version; empty when there is none. */
  public Map<String, String> nextStates() {
    return next.isEmpty() ? Map.of() : states(next);
  }

  private Map<String, String> states(String version) {
    Map<String, String> m = new LinkedHashMap<>();
    for (Extension e : wanted) {
      m.put(e.id(), state(e, version).replace(' ', '_'));
    }
    return m;
  }

  /** Whether any extension is wanted. */
  public boolean any() {
    return !wanted.isEmpty();
  }

  /** The JSON form: {@code {"booted": {...}, "next": {...} or null}}. */
  public Map<String, Object> json() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("booted", version(booted));
    m.put("next", next.isEmpty() ? null : version(next));
    return m;
  }

  private Map<String, Object> version(String v) {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Extension e : wanted) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", e.id());
      x.put("kind", e.kind() == Extension.Kind.OEM ? "oem" : "flatcar");
      x.put("state", state(e, v).replace(' ', '_'));
      list.add(x);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", v);
    m.put("extensions", list);
    return m;
  }

  /** The table {@code -extensions} prints; one line saying so when none is wanted. */
  public void print(PrintStream out) {
    if (wanted.isEmpty()) {
      out.println("No extensions are enabled (no active OEM extension, nothing in"
          + " enabled-sysext.conf).");
      return;
    }
    int w = "EXTENSION".length();
    for (Extension e : wanted) {
      w = Math.max(w, e.id().length());
    }
    String bootedHead = booted + " (booted)";
    String name = "%-" + (w + 2) + "s";
    if (next.isEmpty()) {
      out.printf(name + "%s%n", "EXTENSION", bootedHead);
      wanted.forEach(e -> out.printf(name + "%s%n", e.id(), state(e, booted)));
      return;
    }
    String row = name + "%-" + (Math.max(bootedHead.length(), "in progress".length()) + 2)
        + "s%s%n";
    out.printf(row, "EXTENSION", bootedHead, next + " (next)");
    wanted.forEach(e -> out.printf(row, e.id(), state(e, booted), state(e, next)));
  }
}
