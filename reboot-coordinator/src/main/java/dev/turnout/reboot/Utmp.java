package dev.turnout.reboot;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;

/**
 * locksmithd's broadcast: the message written to the terminal of every login in
 * {@code /run/utmp} (glibc's 384-byte records: type at 0, line at 8), the way {@code wall} shows
 * it; returns how many terminals could be opened.
 */
final class Utmp implements Coordinator.Broadcaster {
  private static final int RECORD = 384;
  private static final short USER_PROCESS = 7;

  private final Path utmp;
  private final Path dev;

  Utmp(Path utmp, Path dev) {
    this.utmp = utmp;
    this.dev = dev;
  }

  @Override
  public int broadcast(String message) {
    byte[] all;
    try {
      all = Files.readAllBytes(utmp);
    } catch (IOException e) {
      return 0;
    }
    int reached = 0;
    ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    for (int at = 0; at + RECORD <= all.length; at += RECORD) {
      if (b.getShort(at) != USER_PROCESS) {
        continue;
      }
      int end = at + 8;
      while (end < at + 40 && all[end] != 0) {
        end++;
      }
      String line = new String(all, at + 8, end - at - 8, StandardCharsets.US_ASCII);
      if (line.isEmpty() || line.contains("/..") || line.startsWith("..")) {
        continue;
      }
      try (OutputStream out = Files.newOutputStream(dev.resolve(line),
          java.nio.file.StandardOpenOption.WRITE)) {
        String blank = " ".repeat(79);
        out.write(("\r" + blank + "\r\n" + pad("Broadcast message from turnout-rebootd at "
            + ZonedDateTime.now() + ":") + "\007\007\r\n" + pad(message) + "\r\n\r" + blank
            + "\r\n").getBytes(StandardCharsets.UTF_8));
        reached++;
      } catch (IOException e) {
        // a terminal that cannot be opened is skipped, as locksmithd does
      }
    }
    return reached;
  }

  private static String pad(String s) {
    return String.format("%-79.79s", s);
  }
}
