package dev.turnout.engine.extensions;

import dev.turnout.engine.system.Durable;
import dev.turnout.engine.system.SystemPaths;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where extension images live, under the names Flatcar's initrd links at boot:
 * {@code /etc/flatcar/sysext/flatcar-<name>-<VERSION>.raw}, and
 * {@code /oem/sysext/oem-<ID>-<VERSION>.raw} or, when the OEM partition cannot take it,
 * {@code /etc/flatcar/oem-sysext/}. Downloads and images being made wait in
 * {@code /var/lib/update_engine/extensions/}; a final name only ever holds a verified image,
 * forced to disk before its rename and its directory forced after.
 */
public final class ExtensionStore {
  private static final Logger LOG = LoggerFactory.getLogger(ExtensionStore.class);
  /** A versioned image: kind, name, version (the version starts with a digit). */
  private static final Pattern VERSIONED = Pattern.compile(
      "(flatcar|oem)-(.+?)-(\\d+\\.\\d+\\.\\d+[A-Za-z0-9._+-]*)\\.raw");

  private final SystemPaths paths;

  public ExtensionStore(SystemPaths paths) {
    this.paths = paths;
  }

  Path flatcarDir() {
    return paths.resolve("/etc/flatcar/sysext");
  }

  Path oemDir() {
    return paths.resolve("/oem/sysext");
  }

  Path oemFallbackDir() {
    return paths.resolve("/etc/flatcar/oem-sysext");
  }

  public Path stagingDir() {
    return paths.resolve("/var/lib/update_engine/extensions");
  }

  /** The directories {@code e}'s image may be in, in the order they are tried. */
  List<Path> dirs(Extension e) {
    return e.kind() == Extension.Kind.OEM ? List.of(oemDir(), oemFallbackDir())
        : List.of(flatcarDir());
  }

  /** {@code e}'s image for {@code version}, if it is in place. */
  public Optional<Path> installed(Extension e, String version) {
    for (Path d : dirs(e)) {
      Path p = d.resolve(e.fileName(version));
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The download of {@code e}'s payload for {@code version}, as far as it got. */
  public Path partial(Extension e, String version) {
    return stagingDir().resolve(e.id() + "-" + version + ".gz.part");
  }

  /** The image being made from the download, before it goes into place. */
  Path staged(Extension e, String version) {
    return stagingDir().resolve(e.fileName(version) + ".new");
  }

  /** Whether a download or an image of {@code e} for {@code version} is under way. */
  public boolean inProgress(Extension e, String version) {
    return Files.exists(partial(e, version)) || Files.exists(staged(e, version));
  }

  /**
   * Puts the forced image {@code staged} in place as {@code e}'s for {@code version}: renamed
   * when on the same file system, else copied beside its final name, forced, then renamed; the
   * directory forced after. An OEM image that the OEM partition cannot take (full, read-only)
   * goes to the fallback directory.
   */
  public Path install(Extension e, String version, Path staged) throws IOException {
    List<Path> dirs = dirs(e);
    IOException first = null;
    for (Path dir : dirs) {
      try {
        Path p = place(staged, dir, e.fileName(version));
        if (first != null) {
          LOG.warn("{} went to {} instead: {}", e, dir, first.getMessage());
        }
        return p;
      } catch (IOException x) {
        if (first == null) {
          first = x;
        }
      }
    }
    throw first;
  }

  private static Path place(Path staged, Path dir, String name) throws IOException {
    Durable.createDirectories(dir);
    Path target = dir.resolve(name);
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException crossDevice) {
      Path tmp = dir.resolve("." + name + ".turnout-new");
      try {
        Files.copy(staged, tmp, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException x) {
        Files.deleteIfExists(tmp);
        throw x;
      }
      Files.delete(staged);
    }
    Durable.forceDirectory(dir);
    return target;
  }

  /**
   * After the switch: removes the versioned {@code flatcar-*.raw} and {@code oem-*.raw} images of
   * versions other than {@code booted} and {@code next}, and the staging files of other versions.
   * {@code oem-<ID>-initial.raw}, unversioned images and anything an
   * {@code /etc/extensions}, {@code /run/extensions} or {@code /var/lib/extensions} link points
   * at are kept: the running system may use them.
   *
   * @return the files removed
   */
  public List<Path> prune(String booted, String next) throws IOException {
    Set<String> linked = linkedNames();
    List<Path> removed = new ArrayList<>();
    for (Path dir : List.of(flatcarDir(), oemDir(), oemFallbackDir())) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      boolean changed = false;
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.raw")) {
        for (Path p : ds) {
          String n = p.getFileName().toString();
          Matcher m = VERSIONED.matcher(n);
          if (!m.matches() || m.group(3).equals(booted) || m.group(3).equals(next)
              || linked.contains(n) || !Files.isRegularFile(p)) {
            continue;
          }
          Files.delete(p);
          removed.add(p);
          changed = true;
        }
      }
      if (changed) {
        Durable.forceDirectory(dir);
      }
    }
    if (Files.isDirectory(stagingDir())) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(stagingDir())) {
        for (Path p : ds) {
          if (!p.getFileName().toString().contains("-" + next + ".")) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
    return removed;
  }

  /** File names that extension links of the running system point at. */
  private Set<String> linkedNames() throws IOException {
    Set<String> names = new HashSet<>();
    for (String d : List.of("/etc/extensions", "/run/extensions", "/var/lib/extensions")) {
      Path dir = paths.resolve(d);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          if (Files.isSymbolicLink(p)) {
            Path t = Files.readSymbolicLink(p).getFileName();
            if (t != null) {
              names.add(t.toString());
            }
          }
        }
      }
    }
    return names;
  }
}
