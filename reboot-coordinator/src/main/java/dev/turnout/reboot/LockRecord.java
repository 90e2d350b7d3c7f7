package dev.turnout.reboot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * What this machine remembers of the reboot lock it took: in which boot and when
 * ({@code /var/lib/turnout-rebootd/lock}, {@code BOOT_ID SECONDS}). A lock taken in another boot
 * is released once this boot is good; one taken in this boot is kept for its reboot.
 */
final class LockRecord {
  /** The lock taken in boot {@code bootId} at {@code since}. */
  record Held(String bootId, Instant since) {}

  private final Path file;

  LockRecord(Path file) {
    this.file = file;
  }

  Optional<Held> read() {
    try {
      String[] f = Files.readString(file).strip().split(" ");
      return Optional.of(new Held(f[0], Instant.ofEpochSecond(Long.parseLong(f[1]))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  void write(Held h) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, h.bootId() + " " + h.since().getEpochSecond() + "\n",
        StandardCharsets.UTF_8);
    try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  void clear() throws IOException {
    Files.deleteIfExists(file);
  }
}
