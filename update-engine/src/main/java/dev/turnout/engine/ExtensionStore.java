package dev.turnout.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where extension images live, under the names Flatcar's initrd links at boot:
 * {@code /etc/flatcar/sysext/flatcar-<name>-<VERSION>.raw}, and
 * {@code /oem/sysext/oem-<ID>-<VERSION>.raw} or, when the OEM partition cannot take it,
 * {@code /etc/flatcar/oem-sysext/}. Downloads and images being made wait in
 * {@code /var/lib/update_engine/extensions/}; a final name only ever holds a verified image,
 * forced to disk before its rename and its directory forced after.
 *
 * <p>Nothing here is taken on its name alone. Every image Turnout places is recorded
 * ({@link Placed}: extension, version, where, size, SHA-256); an image counts as in place only
 * when the record says so and the file is still a regular file with those bytes, and only
 * recorded images are ever pruned. Each managed folder must be a real directory (not a symbolic
 * link) owned by the daemon's user, and no file in it is opened, written or deleted through a
 * link: otherwise the write fails with error 65 naming the path.
 */
final class ExtensionStore {
  private static final Logger LOG = LoggerFactory.getLogger(ExtensionStore.class);

  private final SystemPaths paths;
  private final AttemptRecord record;

  public ExtensionStore(SystemPaths paths, AttemptRecord record) {
    this.paths = paths;
    this.record = record;
  }

  /**
   * An image Turnout placed: {@code dir} is the system path of its folder ({@code /oem/sysext}),
   * {@code sha256} its bytes' hash in hex (the payload's {@code new_partition_info}).
   */
  record Placed(String id, String version, String dir, String name, long size, String sha256) {
    static Optional<Placed> parse(String line) {
      String[] f = line.split(" ");
      if (f.length != 6) {
        return Optional.empty();
      }
      try {
        return Optional.of(new Placed(f[0], f[1], f[2], f[3], Long.parseLong(f[4]), f[5]));
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }

    String line() {
      return String.join(" ", id, version, dir, name, Long.toString(size), sha256);
    }
  }

  static final String FLATCAR_DIR = "/etc/flatcar/sysext";
  static final String OEM_DIR = "/oem/sysext";
  static final String OEM_FALLBACK_DIR = "/etc/flatcar/oem-sysext";

  Path flatcarDir() {
    return paths.resolve(FLATCAR_DIR);
  }

  Path oemDir() {
    return paths.resolve(OEM_DIR);
  }

  Path oemFallbackDir() {
    return paths.resolve(OEM_FALLBACK_DIR);
  }

  public Path stagingDir() {
    return paths.resolve("/var/lib/update_engine/extensions");
  }

  /** The system paths of the folders {@code e}'s image may be in, in the order they are tried. */
  static List<String> dirs(Extension e) {
    return e.kind() == Extension.Kind.OEM ? List.of(OEM_DIR, OEM_FALLBACK_DIR)
        : List.of(FLATCAR_DIR);
  }

  /**
   * {@code e}'s image for {@code version}, if Turnout placed it and it is still what was placed:
   * a regular file (no link followed) of the recorded size and SHA-256. A file that merely has
   * the name (or a link to any file) is not in place.
   */
  public Optional<Path> installed(Extension e, String version) throws IOException {
    for (Placed r : placed()) {
      if (!r.id().equals(e.id()) || !r.version().equals(version)
          || !r.name().equals(e.fileName(version))) {
        continue;
      }
      Path p = paths.resolve(r.dir()).resolve(r.name());
      Optional<BasicFileAttributes> a = attributes(p);
      if (a.isPresent() && a.get().isRegularFile() && a.get().size() == r.size()
          && sha256(p).equals(r.sha256())) {
        return Optional.of(p);
      }
      LOG.warn("{} is not the image Turnout placed for {} {}; it will be fetched again", p, e,
          version);
    }
    return Optional.empty();
  }

  /**
   * Whether a regular file has {@code e}'s name for {@code version} in one of its folders: what
   * the client shows, not what an update trusts ({@link #installed}).
   */
  public boolean present(Extension e, String version) {
    for (String d : dirs(e)) {
      Optional<BasicFileAttributes> a = attributes(paths.resolve(d).resolve(e.fileName(version)));
      if (a.isPresent() && a.get().isRegularFile()) {
        return true;
      }
    }
    return false;
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
  public Path install(Extension e, String version, Path staged, long size, byte[] sha256)
      throws IOException {
    IOException first = null;
    for (String dir : dirs(e)) {
      try {
        Path p = place(staged, paths.resolve(dir), e.fileName(version));
        record(new Placed(e.id(), version, dir, e.fileName(version), size,
            HexFormat.of().formatHex(sha256)));
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

  private Path place(Path staged, Path dir, String name) throws IOException {
    folder(dir);
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
   * After the switch: removes the images Turnout placed for versions other than {@code booted}
   * and {@code next}, and the staging files of other versions. An image any link in
   * {@code /etc/extensions}, {@code /run/extensions} or {@code /var/lib/extensions} resolves to
   * (through a chain of links) is kept, and so is every file Turnout did not place: the running
   * system or its operator may use them.
   *
   * @return the files removed
   */
  public List<Path> prune(String booted, String next) throws IOException {
    Set<Path> linked = linkedTargets();
    List<Path> removed = new ArrayList<>();
    List<Placed> keep = new ArrayList<>();
    Set<Path> changed = new HashSet<>();
    for (Placed r : placed()) {
      Path p = paths.resolve(r.dir()).resolve(r.name());
      if (r.version().equals(booted) || r.version().equals(next) || linked.contains(p)) {
        keep.add(r);
        continue;
      }
      Optional<BasicFileAttributes> a = attributes(p);
      if (a.isPresent() && a.get().isRegularFile()) {
        folder(p.getParent());
        Files.delete(p);
        removed.add(p);
        changed.add(p.getParent());
      } else if (a.isPresent()) {
        LOG.warn("{} is no longer the image Turnout placed (not a regular file); left alone", p);
      }
    }
    record.extensionsPlaced(keep.stream().map(Placed::line).toList());
    for (Path dir : changed) {
      Durable.forceDirectory(dir);
    }
    Path staging = stagingDir();
    if (attributes(staging).isPresent()) {
      folder(staging);
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
        for (Path p : ds) {
          if (!p.getFileName().toString().contains("-" + next + ".")) {
            Files.deleteIfExists(p); // a link is removed itself, never what it points at
          }
        }
      }
    }
    return removed;
  }

  /** Every image Turnout placed and recorded (a line that does not parse is left out). */
  List<Placed> placed() throws IOException {
    List<Placed> out = new ArrayList<>();
    for (String line : record.extensionsPlaced()) {
      Placed.parse(line).ifPresent(out::add);
    }
    return out;
  }

  private void record(Placed p) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Placed r : placed()) {
      if (!(r.dir().equals(p.dir()) && r.name().equals(p.name()))) {
        lines.add(r.line());
      }
    }
    lines.add(p.line());
    record.extensionsPlaced(lines);
  }

  /**
   * Makes {@code dir} if it is missing, and checks it is a real directory (not a symbolic link)
   * owned by the daemon's user: anything else could send a write or a delete elsewhere.
   */
  public void folder(Path dir) throws IOException {
    if (attributes(dir).isEmpty()) {
      Durable.createDirectories(dir);
    }
    BasicFileAttributes a = attributes(dir).orElseThrow(() -> new IOException(dir
        + " cannot be made"));
    if (a.isSymbolicLink() || !a.isDirectory()) {
      throw new IOException(dir + " is " + (a.isSymbolicLink() ? "a symbolic link" : "not a"
          + " directory") + "; refusing to write or delete there");
    }
    Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    int me = (int) new com.sun.security.auth.module.UnixSystem().getUid();
    if (owner instanceof Integer uid && uid != me) {
      throw new IOException(dir + " is owned by uid " + uid + ", not by this daemon's (" + me
          + "); refusing to write or delete there");
    }
  }

  /** A file's attributes, its link not followed; empty when there is nothing there. */
  static Optional<BasicFileAttributes> attributes(Path p) {
    try {
      return Optional.of(Files.readAttributes(p, BasicFileAttributes.class,
          LinkOption.NOFOLLOW_LINKS));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String sha256(Path p) throws IOException {
    return HexFormat.of().formatHex(digest(p, "SHA-256"));
  }

  /** A file's digest, read without following a link. */
  static byte[] digest(Path file, String algorithm) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      while (ch.read(buf) > 0) {
        buf.flip();
        md.update(buf);
        buf.clear();
      }
    }
    return md.digest();
  }

  /**
   * Where the running system's extension links lead: each link in the three folders followed
   * through every link on the way (at most 40, as the kernel does), within this root.
   */
  private Set<Path> linkedTargets() throws IOException {
    Set<Path> out = new HashSet<>();
    for (String d : List.of("/etc/extensions", "/run/extensions", "/var/lib/extensions")) {
      Path dir = paths.resolve(d);
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          Path at = p;
          for (int hops = 0; hops < 40 && Files.isSymbolicLink(at); hops++) {
            Path t = Files.readSymbolicLink(at);
            at = (t.isAbsolute() ? paths.resolve(t.toString()) : at.getParent().resolve(t))
                .normalize();
          }
          out.add(at);
        }
      }
    }
    return out;
  }
}
