package dev.turnout.it;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The Debian rootfs a {@link SystemdNode} boots: built once with {@code mmdebstrap} from the
 * machine's own apt sources (systemd 252, dbus, logind), kept as a tarball outside the build tree
 * ({@code $TURNOUT_NODE_CACHE}, else {@code ~/.cache/turnout/node}) under a name made of its
 * package list, and reused by every later run.
 */
final class NodeRootfs {
  /** What the node needs beyond minbase; the cache key is made of this list. */
  static final List<String> PACKAGES = List.of("systemd", "systemd-sysv", "dbus", "dbus-tests",
      "libpam-systemd", "passwd", "procps");

  private NodeRootfs() {}

  /** The cached tarball, built now if there is none (about 20-50 s, once). */
  static Path tarball() throws IOException, InterruptedException {
    String suite = codename();
    Path sources = sources();
    String key = sha256(suite + "\n" + String.join(",", PACKAGES) + "\n"
        + Files.readString(sources)).substring(0, 16);
    Path cache = cacheDir();
    Files.createDirectories(cache);
    Path tar = cache.resolve("rootfs-" + suite + "-" + key + ".tar");
    try (FileChannel ch = FileChannel.open(cache.resolve(".lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
      if (Files.exists(tar)) {
        return tar;
      }
      Path part = cache.resolve(tar.getFileName() + ".part");
      Files.deleteIfExists(part);
      Proc.Result r = Proc.run(Duration.ofMinutes(8), Map.of(), "mmdebstrap", "--quiet", "--format=tar",
          "--variant=minbase", "--include=" + String.join(",", PACKAGES), suite,
          part.toString(), sources.toString());
      if (r.exit() != 0) {
        Files.deleteIfExists(part);
        throw new AssertionError("mmdebstrap could not build the node's rootfs:\n" + r.err());
      }
      Files.move(part, tar, StandardCopyOption.ATOMIC_MOVE);
      return tar;
    }
  }

  static Path cacheDir() {
    String env = System.getenv("TURNOUT_NODE_CACHE");
    if (env != null && !env.isEmpty()) {
      return Path.of(env);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("turnout/node");
  }

  /** The machine's Debian release (the node is of the same), from os-release. */
  private static String codename() throws IOException {
    for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
      if (line.startsWith("VERSION_CODENAME=")) {
        return line.substring("VERSION_CODENAME=".length()).replace("\"", "").strip();
      }
    }
    throw new AssertionError("/etc/os-release names no VERSION_CODENAME");
  }

  /** The machine's own apt sources: the node's packages come from where the machine's do. */
  private static Path sources() {
    for (String p : List.of("/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list")) {
      if (Files.isRegularFile(Path.of(p))) {
        return Path.of(p);
      }
    }
    throw new AssertionError("no apt sources on this machine for mmdebstrap");
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
