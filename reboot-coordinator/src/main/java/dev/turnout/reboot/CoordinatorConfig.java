package dev.turnout.reboot;

import dev.turnout.engine.KeyValueStore;
import dev.turnout.engine.SystemPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The coordinator's settings, as locksmithd reads them: {@code /usr/share/flatcar/update.conf},
 * then {@code /etc/flatcar/update.conf} (a later file wins, as systemd's EnvironmentFile= lines),
 * then the process environment. A bad value is an {@link IllegalArgumentException} whose message
 * says which and why.
 */
record CoordinatorConfig(Strategy strategy, List<String> endpoints, String group, Path caFile,
    Path certFile, Path keyFile, String username, String password,
    Optional<RebootWindow> window, String idOverride) {

  /** REBOOT_STRATEGY. */
  enum Strategy {
    REBOOT("reboot"), ETCD_LOCK("etcd-lock"), FLEETLOCK("fleetlock"), OFF("off");

    final String word;

    Strategy(String word) {
      this.word = word;
    }

    static Strategy of(String s) {
      for (Strategy v : values()) {
        if (v.word.equals(s)) {
          return v;
        }
      }
      throw new IllegalArgumentException("unknown strategy: " + s + " (REBOOT_STRATEGY is one of"
          + " reboot, etcd-lock, fleetlock, off)");
    }
  }

  /** locksmith's default endpoints. */
  static final List<String> DEFAULT_ETCD = List.of("http://127.0.0.1:2379",
      "http://127.0.0.1:4001");

  static CoordinatorConfig load(SystemPaths paths, Map<String, String> env) throws IOException {
    Map<String, String> v = new HashMap<>();
    v.putAll(KeyValueStore.read(paths.resolve("/usr/share/flatcar/update.conf")));
    v.putAll(KeyValueStore.read(paths.resolve("/etc/flatcar/update.conf")));
    v.putAll(env);
    return of(v, paths);
  }

  static CoordinatorConfig of(Map<String, String> v, SystemPaths paths) {
    String s = v.getOrDefault("REBOOT_STRATEGY", "").strip();
    Strategy strategy = s.isEmpty() ? Strategy.REBOOT : Strategy.of(s);
    String start = first(v, "LOCKSMITHD_REBOOT_WINDOW_START", "REBOOT_WINDOW_START");
    String length = first(v, "LOCKSMITHD_REBOOT_WINDOW_LENGTH", "REBOOT_WINDOW_LENGTH");
    if (start.isEmpty() != length.isEmpty()) {
      throw new IllegalArgumentException("Either both or neither $REBOOT_WINDOW_START and"
          + " $REBOOT_WINDOW_LENGTH must be set");
    }
    Optional<RebootWindow> window = start.isEmpty() ? Optional.empty()
        : Optional.of(RebootWindow.parse(start, length));
    String endpoint = v.getOrDefault("LOCKSMITHD_ENDPOINT", "").strip();
    List<String> endpoints = endpoint.isEmpty() ? List.of() : Arrays.stream(endpoint.split(","))
        .map(String::strip).filter(e -> !e.isEmpty()).toList();
    if (strategy == Strategy.ETCD_LOCK && endpoints.isEmpty()) {
      endpoints = DEFAULT_ETCD;
    }
    if (strategy == Strategy.FLEETLOCK && endpoints.size() != 1) {
      throw new IllegalArgumentException("REBOOT_STRATEGY=fleetlock needs LOCKSMITHD_ENDPOINT,"
          + " the FleetLock server's base URL (one)");
    }
    for (String e : endpoints) {
      if (!e.startsWith("http://") && !e.startsWith("https://")) {
        throw new IllegalArgumentException("LOCKSMITHD_ENDPOINT \"" + e + "\" is not an http or"
            + " https URL");
      }
    }
    Path ca = path(v, "LOCKSMITHD_ETCD_CAFILE", paths);
    Path cert = path(v, "LOCKSMITHD_ETCD_CERTFILE", paths);
    Path key = path(v, "LOCKSMITHD_ETCD_KEYFILE", paths);
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("LOCKSMITHD_ETCD_CERTFILE and LOCKSMITHD_ETCD_KEYFILE"
          + " go together (a client certificate and its key)");
    }
    String group = v.getOrDefault("LOCKSMITHD_GROUP", "").strip();
    return new CoordinatorConfig(strategy, endpoints, group, ca, cert, key,
        v.getOrDefault("LOCKSMITHD_ETCD_USERNAME", "").strip(),
        v.getOrDefault("LOCKSMITHD_ETCD_PASSWORD", ""), window,
        v.getOrDefault("LOCKSMITHD_ID", "").strip());
  }

  private static String first(Map<String, String> v, String a, String b) {
    String x = v.getOrDefault(a, "").strip();
    return x.isEmpty() ? v.getOrDefault(b, "").strip() : x;
  }

  private static Path path(Map<String, String> v, String key, SystemPaths paths) {
    String p = v.getOrDefault(key, "").strip();
    return p.isEmpty() ? null : p.startsWith("/") ? paths.resolve(p) : Path.of(p);
  }
}
