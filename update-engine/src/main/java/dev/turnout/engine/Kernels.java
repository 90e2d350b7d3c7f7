package dev.turnout.engine;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where GRUB finds each slot's kernel. */
final class Kernels {
  private Kernels() {}

  /**
   * The kernel of the slot with kernel suffix {@code suffix} ({@code a} for USR-A, {@code b}):
   * under {@code /boot/coreos/} when that older layout exists, else {@code /boot/flatcar/}.
   */
  public static Path path(SystemPaths paths, String suffix) {
    Path coreos = paths.resolve("/boot/coreos");
    boolean legacy = Files.exists(coreos.resolve("vmlinuz-a"))
        || Files.exists(coreos.resolve("vmlinuz-b"));
    return (legacy ? coreos : paths.resolve("/boot/flatcar")).resolve("vmlinuz-" + suffix);
  }
}
