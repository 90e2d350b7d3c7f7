package dev.turnout.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@link OmahaParams} the way update_engine does: each key from the first of
 * {@code /etc/flatcar/update.conf}, {@code /usr/share/flatcar/update.conf},
 * {@code /usr/share/flatcar/release} that holds it; OEM from {@code /etc/oem-release}, else
 * {@code /usr/share/oem/oem-release}; machine and boot IDs trimmed; {@code aleph-version} from
 * the record, set once to the running version when absent.
 */
final class OmahaParamsLoader {
  private static final Logger LOG = LoggerFactory.getLogger(OmahaParamsLoader.class);
  private final SystemPaths paths;
  private final AlephStore record;
  private final String arch;
  private String disabledReason = "";
  private final java.util.Set<String> warned = new java.util.HashSet<>();

  /**
   * The keys of update.conf: update_engine's, locksmith's (it reads the same file), Turnout's,
   * and the release keys an operator may override there.
   */
  static final java.util.Set<String> UPDATE_CONF_KEYS = java.util.Set.of("SERVER", "GROUP",
      "MACHINE_ALIAS", "DOWNLOAD_USER", "DOWNLOAD_PASSWORD", "PCR_POLICY_SERVER",
      "SERVER_CA_BUNDLE", "REBOOT_STRATEGY", "LOCKSMITHD_REBOOT_WINDOW_START",
      "LOCKSMITHD_REBOOT_WINDOW_LENGTH", "REBOOT_WINDOW_START", "REBOOT_WINDOW_LENGTH",
      "LOCKSMITHD_ENDPOINT", "LOCKSMITHD_GROUP", "LOCKSMITHD_ETCD_CAFILE",
      "LOCKSMITHD_ETCD_CERTFILE", "LOCKSMITHD_ETCD_KEYFILE", "LOCKSMITHD_ETCD_USERNAME",
      "LOCKSMITHD_ETCD_PASSWORD", "LOCKSMITHD_ID", "FLATCAR_RELEASE_VERSION",
      "FLATCAR_RELEASE_BOARD",
      "FLATCAR_RELEASE_APPID", "EXTENSIONS_BASE_URL", "OPTIONAL_EXTENSIONS", "IDLE_EXIT_SEC",
      "METRICS_TEXTFILE", "RESTAGE", "HEALTH_TIMEOUT_SEC");

  public OmahaParamsLoader(SystemPaths paths, AlephStore record, String arch) {
    this.paths = paths;
    this.record = record;
    this.arch = arch;
  }

  /**
   * {@code IDLE_EXIT_SEC} from update.conf: seconds of idleness after which the daemon exits
   * (started again on demand); 0 keeps it resident; 60 when unset or not a number.
   */
  public long idleExitSeconds() throws IOException {
    String v = get(List.of(readConf(paths.updateConf()), readConf(paths.usrUpdateConf())),
        "IDLE_EXIT_SEC", "60").strip();
    try {
      return Math.max(0, Math.min(86_400, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      warnOnce(paths.updateConf() + ": IDLE_EXIT_SEC=" + v + " is not a number; using 60");
      return 60;
    }
  }

  /**
   * {@code HEALTH_TIMEOUT_SEC} from update.conf: how long a boot may take to reach
   * {@code boot-complete.target} before it counts as failed; 600 when unset or not a number,
   * kept within 30 s..1 day.
   */
  public long healthTimeoutSeconds() throws IOException {
    String v = setting("HEALTH_TIMEOUT_SEC");
    if (v.isEmpty()) {
      return 600;
    }
    try {
      return Math.max(30, Math.min(86_400, Long.parseLong(v)));
    } catch (NumberFormatException e) {
      warnOnce(paths.updateConf() + ": HEALTH_TIMEOUT_SEC=" + v + " is not a number; using 600");
      return 600;
    }
  }

  /**
   * A Turnout setting of update.conf ({@code EXTENSIONS_BASE_URL}, {@code OPTIONAL_EXTENSIONS}):
   * from {@code /etc/flatcar/update.conf}, else {@code /usr/share/flatcar/update.conf}; empty
   * when neither sets it. Read afresh on each call, as the rest of the configuration.
   */
  public String setting(String key) throws IOException {
    if (!UPDATE_CONF_KEYS.contains(key)) {
      throw new IllegalArgumentException("not an update.conf key: " + key);
    }
    return get(List.of(readConf(paths.updateConf()), readConf(paths.usrUpdateConf())), key, "")
        .strip();
  }

  /** Why the last {@link #load} disabled update checks, or empty when it did not. */
  public synchronized String disabledReason() {
    return disabledReason;
  }

  public OmahaParams load() throws IOException {
    List<Path> files = List.of(paths.updateConf(), paths.usrUpdateConf(), paths.release());
    List<Map<String, String>> conf = List.of(readConf(files.get(0)), readConf(files.get(1)),
        read(files.get(2)));
    String server = get(conf, "SERVER", OmahaParams.DEFAULT_SERVER);
    noteServer(server, conf, files);
    Map<String, String> oem = read(paths.resolve("/etc/oem-release"));
    if (oem.isEmpty()) {
      oem = read(paths.resolve("/usr/share/oem/oem-release"));
    }
    String version = get(conf, "FLATCAR_RELEASE_VERSION", "");
    String aleph = sendable("aleph-version pref", record.alephVersion(), "");
    if (aleph.isEmpty() && !version.isEmpty()) {
      record.keepAlephVersion(version);
      aleph = version;
    }
    return new OmahaParams(server,
        get(conf, "GROUP", OmahaParams.DEFAULT_GROUP), version,
        get(conf, "FLATCAR_RELEASE_BOARD", ""),
        get(conf, "FLATCAR_RELEASE_APPID", OmahaParams.DEFAULT_APPID),
        get(conf, "MACHINE_ALIAS", ""), sendable("oem-release ID", oem.getOrDefault("ID", ""), ""),
        sendable("oem-release VERSION_ID", oem.getOrDefault("VERSION_ID", ""), ""),
        sendable("/etc/machine-id", trimmed(paths.resolve("/etc/machine-id")), ""),
        sendable("boot_id", trimmed(paths.resolve("/proc/sys/kernel/random/boot_id")), ""),
        aleph, arch,
        get(conf, "DOWNLOAD_USER", ""), get(conf, "DOWNLOAD_PASSWORD", ""),
        emptyToNull(get(conf, "SERVER_CA_BUNDLE", "")));
  }

  /**
   * Remembers why checks are off, and says it at ERROR once per value when SERVER is not
   * {@code disabled} but still no URL checks can go to (a typo must not pass for a choice).
   */
  private synchronized void noteServer(String server, List<Map<String, String>> conf,
      List<Path> files) {
    String from = "the default";
    for (int i = 0; i < conf.size(); i++) {
      if (conf.get(i).containsKey("SERVER")) {
        from = files.get(i).toString();
        break;
      }
    }
    if (OmahaParams.checksAllowed(server)) {
      disabledReason = "";
      return;
    }
    String why = "disabled".equals(server) ? "SERVER=disabled in " + from
        : "SERVER=" + Redacted.url(server) + " in " + from
            + " is not an http or https URL with a host";
    if (!why.equals(disabledReason) && !"disabled".equals(server)) {
      LOG.error("{}: update checks are disabled until it is fixed", why);
    }
    disabledReason = why;
  }

  private static String get(List<Map<String, String>> files, String key, String fallback) {
    for (Map<String, String> f : files) {
      if (f.containsKey(key)) {
        return sendable(key, f.get(key), fallback);
      }
    }
    return fallback;
  }

  /**
   * {@code value}, when it can go into the request as it is; else {@code fallback}, with a
   * warning. The request keeps update_engine's bytes, which leave {@code "} unescaped in
   * attributes, so a value with a quote or a character XML cannot carry is refused rather than
   * let change the request.
   */
  static String sendable(String key, String value, String fallback) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean surrogateOk = Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(++i));
      if (c == '"' || c < 0x20 || c == 0x7f || c == 0xfffe || c == 0xffff
          || Character.isSurrogate(c) && !surrogateOk) {
        LOG.warn("{}: the value cannot be sent to the update server (it holds {}); using {}",
            key, c == '"' ? "a double quote" : String.format("the character U+%04X", (int) c),
            fallback.isEmpty() ? "nothing" : "\"" + fallback + "\"");
        return fallback;
      }
    }
    return value;
  }

  private Map<String, String> read(Path p) throws IOException {
    return KeyValueStore.read(p, null, this::warnOnce);
  }

  /** update.conf: besides bad lines, keys nothing reads are warned of, each once. */
  private Map<String, String> readConf(Path p) throws IOException {
    return KeyValueStore.read(p, UPDATE_CONF_KEYS, this::warnOnce);
  }

  /** The configuration is read before every check: the same warning is said once. */
  private synchronized void warnOnce(String warning) {
    if (warned.add(warning) && warned.size() < 1000) {
      LOG.warn("{}", warning);
    }
  }

  private static String trimmed(Path p) throws IOException {
    return Files.isRegularFile(p) ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8).strip()
        : "";
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  /** {@code uname -m} for the running JVM's architecture. */
  public static String machineArch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> a;
    };
  }
}
