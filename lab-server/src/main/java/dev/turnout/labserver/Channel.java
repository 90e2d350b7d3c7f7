package dev.turnout.labserver;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * One channel the lab server offers: a release version, its payload and optional extension
 * payloads, each with the hashes a Flatcar-shaped response carries (SHA-1 base64 in {@code hash},
 * SHA-256 hex in {@code hash_sha256}, SHA-256 base64 in the postinstall action's {@code sha256}).
 */
public record Channel(String name, String version, Served payload, List<Served> extensions) {

  public Channel {
    extensions = List.copyOf(extensions);
  }

  /** A file served under the channel's codebase, hashed once at start. */
  public record Served(Path path, String name, long size, String sha1Base64, byte[] sha256) {
    public String sha256Base64() {
      return Base64.getEncoder().encodeToString(sha256);
    }

    public String sha256Hex() {
      return HexFormat.of().formatHex(sha256);
    }

    public static Served of(Path path) throws IOException {
      try {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        long size = 0;
        try (InputStream in = Files.newInputStream(path)) {
          byte[] buf = new byte[1 << 20];
          int n;
          while ((n = in.read(buf)) > 0) {
            sha1.update(buf, 0, n);
            sha256.update(buf, 0, n);
            size += n;
          }
        }
        return new Served(path, path.getFileName().toString(), size,
            Base64.getEncoder().encodeToString(sha1.digest()), sha256.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Reads and hashes the files of a channel. */
  public static Channel of(String name, String version, Path payload, List<Path> extensions)
      throws IOException {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("channel names are letters, digits, . _ -: " + name);
    }
    if (!version.matches("[A-Za-z0-9._+-]+")) {
      throw new IllegalArgumentException("invalid version: " + version);
    }
    List<Served> ext = new ArrayList<>();
    for (Path p : extensions) {
      ext.add(Served.of(p));
    }
    return new Channel(name, version, Served.of(payload), ext);
  }

  /**
   * The extension payloads in {@code dir}: its {@code *.gz} files (the OEM and Flatcar sysexts
   * of one release, as Flatcar publishes them beside the update), but for {@code payload}.
   */
  public static List<Path> extensionsIn(Path dir, Path payload) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new java.nio.file.NoSuchFileException(dir.toString(), null, "not a directory");
    }
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".gz")
          && Files.isRegularFile(f) && !isSame(f, payload)).sorted().toList();
    }
  }

  private static boolean isSame(Path a, Path b) {
    try {
      return b != null && Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  /** The file named {@code fileName} in this channel, if any. */
  public Served file(String fileName) {
    if (payload.name().equals(fileName)) {
      return payload;
    }
    return extensions.stream().filter(e -> e.name().equals(fileName)).findFirst().orElse(null);
  }
}
