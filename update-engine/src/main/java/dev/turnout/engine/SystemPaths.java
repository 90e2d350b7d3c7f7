package dev.turnout.engine;

import java.nio.file.Path;

/**
 * Every system path the daemon touches, resolved under one root: {@code /} in production, a temp
 * dir in tests and the demo ({@code --root DIR}). Nothing else in the daemon builds an absolute
 * path.
 */
public final class SystemPaths {
  private final Path root;

  public SystemPaths(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static SystemPaths system() {
    return new SystemPaths(Path.of("/"));
  }

  public Path root() {
    return root;
  }

  /** An absolute system path ({@code /etc/machine-id}) under the root. */
  public Path resolve(String absolute) {
    if (!absolute.startsWith("/")) {
      throw new IllegalArgumentException("not an absolute path: " + absolute);
    }
    return root.resolve(absolute.substring(1));
  }

  public Path updateConf() {
    return resolve("/etc/flatcar/update.conf");
  }

  public Path usrUpdateConf() {
    return resolve("/usr/share/flatcar/update.conf");
  }

  public Path release() {
    return resolve("/usr/share/flatcar/release");
  }

  /**
   * {@code /run/update_engine_autoupdate_completed}: an installed update awaits its reboot (a
   * restarted daemon starts in UPDATED_NEED_REBOOT and never marks the old slot good).
   */
  public Path updateCompletedMarker() {
    return resolve("/run/update_engine_autoupdate_completed");
  }

  /** This boot's ID ({@code /proc/sys/kernel/random/boot_id}), or empty when it cannot be read. */
  public String bootId() {
    try {
      return java.nio.file.Files.readString(resolve("/proc/sys/kernel/random/boot_id")).strip();
    } catch (java.io.IOException e) {
      return "";
    }
  }

  public Path prefsDir() {
    return resolve("/var/lib/update_engine/prefs");
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
