package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** locksmithd's broadcast to logged-in terminals, from glibc's utmp records. */
class UtmpTest {
  @TempDir Path dir;

  static void record(ByteBuffer b, short type, String line) {
    int at = b.position();
    b.putShort(at, type);
    byte[] l = line.getBytes(StandardCharsets.US_ASCII);
    b.put(at + 8, l, 0, l.length);
    b.position(at + 384);
  }

  @Test
  void everyLoginsTerminalIsToldAndCounted() throws Exception {
    ByteBuffer b = ByteBuffer.allocate(4 * 384).order(ByteOrder.LITTLE_ENDIAN);
    record(b, (short) 7, "pts/0"); // a login
    record(b, (short) 6, "tty1"); // a getty waiting: no one to tell
    record(b, (short) 7, "pts/9"); // a login whose terminal is gone
    record(b, (short) 7, "../etc/passwd"); // never a path out of /dev
    Path utmp = Files.write(dir.resolve("utmp"), b.array());
    Path dev = Files.createDirectories(dir.resolve("dev/pts"));
    Path pts0 = Files.createFile(dev.resolve("0"));
    Files.writeString(dir.resolve("etc-passwd"), "root:x:0:0::/root:/bin/sh\n");
    int told = new Utmp(utmp, dir.resolve("dev")).broadcast("System reboot in 5 minutes!");
    assertThat(told).isEqualTo(1);
    assertThat(Files.readString(pts0)).contains("Broadcast message from turnout-rebootd at ")
        .contains("System reboot in 5 minutes!").contains("\007\007\r\n");
  }
}
