package dev.turnout.engine.omaha;

import dev.turnout.engine.system.SystemPaths;
import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link OmahaParams} the way update_engine does: each key from the first of
 * {@code /etc/flatcar/update.conf}, {@code /usr/share/flatcar/update.conf},
 * {@code /usr/share/flatcar/release} that holds it; OEM from {@code /etc/oem-release}, else
 * {@code /usr/share/oem/oem-release}; machine and boot IDs trimmed; {@code aleph-version} from
 * prefs, set once to the running version when absent.
 */
public final class OmahaParamsLoader {
  private final SystemPaths paths;
  private final Prefs prefs;
  private final String arch;

  public OmahaParamsLoader(SystemPaths paths, Prefs prefs, String arch) {
    this.paths = paths;
    this.prefs = prefs;
    this.arch = arch;
  }

  public OmahaParams load() throws IOException {
    List<Map<String, String>> conf = List.of(read(paths.updateConf()),
        read(paths.usrUpdateConf()), read(paths.release()));
    Map<String, String> oem = read(paths.resolve("/etc/oem-release"));
    if (oem.isEmpty()) {
      oem = read(paths.resolve("/usr/share/oem/oem-release"));
    }
    String version = get(conf, "FLATCAR_RELEASE_VERSION", "");
    String aleph = prefs.getString(PrefKeys.ALEPH_VERSION).orElse("");
    if (aleph.isEmpty() && !version.isEmpty()) {
      prefs.setString(PrefKeys.ALEPH_VERSION, version);
      aleph = version;
    }
    return new OmahaParams(get(conf, "SERVER", OmahaParams.DEFAULT_SERVER),
        get(conf, "GROUP", OmahaParams.DEFAULT_GROUP), version,
        get(conf, "FLATCAR_RELEASE_BOARD", ""),
        get(conf, "FLATCAR_RELEASE_APPID", OmahaParams.DEFAULT_APPID),
        get(conf, "MACHINE_ALIAS", ""), oem.getOrDefault("ID", ""),
        oem.getOrDefault("VERSION_ID", ""), trimmed(paths.resolve("/etc/machine-id")),
        trimmed(paths.resolve("/proc/sys/kernel/random/boot_id")), aleph, arch,
        get(conf, "DOWNLOAD_USER", ""), get(conf, "DOWNLOAD_PASSWORD", ""),
        get(conf, "PCR_POLICY_SERVER", ""), emptyToNull(get(conf, "SERVER_CA_BUNDLE", "")));
  }

  private static String get(List<Map<String, String>> files, String key, String fallback) {
    for (Map<String, String> f : files) {
      if (f.containsKey(key)) {
        return f.get(key);
      }
    }
    return fallback;
  }

  private static Map<String, String> read(Path p) throws IOException {
    if (!Files.isReadable(p)) {
      return Map.of();
    }
    return KeyValueStore.parse(Files.readString(p, StandardCharsets.UTF_8));
  }

  private static String trimmed(Path p) throws IOException {
    return Files.isReadable(p) ? Files.readString(p, StandardCharsets.UTF_8).strip() : "";
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
