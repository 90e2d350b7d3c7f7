package dev.turnout.reboot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /run/update-engine/coordinator.conf}, as locksmithd keeps it (spec 6): key=value lines
 * {@code NAME}, {@code STRATEGY}, {@code STATE} (starting, running, disabled, reboot-planned,
 * rebooting), rewritten under an exclusive lock; Turnout adds {@code WINDOW} and, while this
 * machine holds the reboot lock, {@code LOCK_HELD_SINCE} (unix seconds), which
 * {@code update_engine_client -status -json} shows.
 */
final class StateFile {
  private final Path file;
  private final Map<String, String> values = new LinkedHashMap<>();

  StateFile(Path file, String strategy, Optional<RebootWindow> window) {
    this.file = file;
    values.put("NAME", "turnout-rebootd");
    values.put("STRATEGY", strategy);
    window.ifPresent(w -> values.put("WINDOW", w.toString().replace(' ', '_')));
  }

  synchronized void update(String state, Instant lockSince) throws IOException {
    values.put("STATE", state);
    if (lockSince != null) {
      values.put("LOCK_HELD_SINCE", Long.toString(lockSince.getEpochSecond()));
    }
    write();
  }

  /** The reboot lock is no longer this machine's. */
  synchronized void lockReleased() throws IOException {
    values.remove("LOCK_HELD_SINCE");
    write();
  }

  private void write() throws IOException {
    StringBuilder b = new StringBuilder();
    values.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    Files.createDirectories(file.getParent());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.WRITE); FileLock l = ch.lock()) {
      ch.truncate(0);
      ch.write(java.nio.ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)), 0);
    }
  }
}
