package dev.turnout.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * update_engine's prefs: one file per key in {@code /var/lib/update_engine/prefs/}, named after the
 * key ({@code [A-Za-z0-9_-]} only). Integers are decimal text without a newline, read back trimmed;
 * strings are raw bytes. Every write goes to a temp file that is forced, then renamed over the key,
 * and the directory is forced, so a crash leaves the old value or the new one.
 */
final class Prefs {
  private static final Logger LOG = LoggerFactory.getLogger(Prefs.class);
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private final Path dir;

  public Prefs(Path dir) {
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  private Path file(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("invalid pref key: \"" + key + "\"");
    }
    return dir.resolve(key);
  }

  public boolean exists(String key) {
    return Files.exists(file(key));
  }

  /** The value, or empty when absent or when the key is not a file (a broken pref is absent). */
  public Optional<byte[]> getBytes(String key) throws IOException {
    Path f = file(key);
    if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
      LOG.warn("pref {} is a directory, not a file; taken as absent", f);
      return Optional.empty();
    }
    try {
      return Optional.of(Files.readAllBytes(f));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  public Optional<String> getString(String key) throws IOException {
    return getBytes(key).map(b -> new String(b, StandardCharsets.UTF_8));
  }

  /** The value as an integer; empty when absent or not a number (as update_engine treats it). */
  public Optional<Long> getLong(String key) throws IOException {
    Optional<String> s = getString(key);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Long.parseLong(s.get().strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The value as an integer within {@code [min, max]}, or {@code fallback} when absent or not a
   * number. A value outside the range (a hand-edited or corrupt pref) is clamped into it, with a
   * warning: no number read from disk can overflow the arithmetic it feeds.
   */
  public long getLong(String key, long fallback, long min, long max) throws IOException {
    Optional<Long> v = getLong(key);
    if (v.isEmpty()) {
      return fallback;
    }
    long clamped = Math.max(min, Math.min(max, v.get()));
    if (clamped != v.get()) {
      LOG.warn("pref {} is {}, outside {}..{}; using {}", file(key), v.get(), min, max, clamped);
    }
    return clamped;
  }

  /**
   * Writes {@code key} whole or not at all (temp file, force, rename, directory forced). A write
   * is never cut short by an interrupt (a stopping daemon interrupts its attempt): the
   * interrupt is kept for after it, so what the attempt got to record is on disk.
   */
  public void setBytes(String key, byte[] value) throws IOException {
    boolean interrupted = Thread.interrupted();
    try {
      write(key, value);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void write(String key, byte[] value) throws IOException {
    Path target = file(key);
    Durable.createDirectories(dir);
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      LOG.warn("pref {} is a directory, not a file; replacing it", target);
      deleteTree(target);
    }
    Path tmp = Files.createTempFile(dir, "." + key + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(value));
        ch.force(true);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      Durable.forceDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  public void setString(String key, String value) throws IOException {
    setBytes(key, value.getBytes(StandardCharsets.UTF_8));
  }

  public void setLong(String key, long value) throws IOException {
    setString(key, Long.toString(value));
  }

  private static void deleteTree(Path p) throws IOException {
    try (var walk = Files.walk(p)) {
      for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  public void delete(String key) throws IOException {
    if (Files.deleteIfExists(file(key))) {
      Durable.forceDirectory(dir);
    }
  }
}
