package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which extensions this machine runs, read as Flatcar's initrd and postinst read them. The OEM
 * agent's, when {@code ID=} of {@code /usr/share/oem/oem-release} (or {@code /oem/oem-release})
 * names an OEM whose {@code active-oem-<ID>} marker is in {@code /oem/sysext/} (older images:
 * {@code /usr/share/oem/sysext/}); and the Flatcar extensions named in
 * {@code /usr/share/flatcar/enabled-sysext.conf} and {@code /etc/flatcar/enabled-sysext.conf},
 * where a {@code -name} line in {@code /etc} removes a name and {@code #} starts a comment. The
 * built-in {@code docker-flatcar} and {@code containerd-flatcar} come inside the USR image.
 */
final class WantedExtensions {
  private static final Logger LOG = LoggerFactory.getLogger(WantedExtensions.class);
  private static final Set<String> BUILT_IN = Set.of("docker-flatcar", "containerd-flatcar");

  private WantedExtensions() {}

  /** The wanted extensions, the OEM's first; a name that could not be a file name is skipped. */
  public static List<Extension> read(SystemPaths paths) throws IOException {
    List<Extension> out = new ArrayList<>();
    String oem = oemId(paths);
    if (!oem.isEmpty()) {
      if (!Extension.NAME.matcher(oem).matches()) {
        LOG.error("oem-release: ID={} cannot name an extension; its image is not updated", oem);
      } else if (Files.exists(paths.resolve("/oem/sysext/active-oem-" + oem))
          || Files.exists(paths.resolve("/usr/share/oem/sysext/active-oem-" + oem))) {
        out.add(new Extension(Extension.Kind.OEM, oem));
      }
    }
    Set<String> names = new LinkedHashSet<>();
    apply(paths.resolve("/usr/share/flatcar/enabled-sysext.conf"), names, false);
    apply(paths.resolve("/etc/flatcar/enabled-sysext.conf"), names, true);
    for (String n : names) {
      if (BUILT_IN.contains(n)) {
        continue;
      }
      if (!Extension.NAME.matcher(n).matches()) {
        LOG.error("enabled-sysext.conf: \"{}\" cannot name an extension; skipped", n);
        continue;
      }
      out.add(new Extension(Extension.Kind.FLATCAR, n));
    }
    return out;
  }

  /** {@code ID=} of the OEM release file, unquoted; empty when there is none. */
  static String oemId(SystemPaths paths) throws IOException {
    for (String f : List.of("/usr/share/oem/oem-release", "/oem/oem-release")) {
      for (String line : lines(paths.resolve(f))) {
        if (line.startsWith("ID=")) {
          return line.substring(3).strip().replaceAll("^[\"']|[\"']$", "");
        }
      }
    }
    return "";
  }

  private static void apply(Path file, Set<String> names, boolean removals) throws IOException {
    for (String raw : lines(file)) {
      int hash = raw.indexOf('#');
      String line = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (removals && line.startsWith("-")) {
        names.remove(line.substring(1).strip());
      } else {
        names.add(line);
      }
    }
  }

  /** The file's lines, a line that is not UTF-8 skipped with a WARN (as update.conf's). */
  private static List<String> lines(Path file) throws IOException {
    return TextLines.read(file, LOG::warn).stream().map(TextLines.Line::text).toList();
  }
}
