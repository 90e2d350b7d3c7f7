package dev.turnout.payload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Block device sizes: fstat reports 0 for a device node, sysfs reports 512-byte sectors. */
final class BlockDevices {
  private BlockDevices() {}

  static long size(Path device) throws IOException {
    Path real = device.toRealPath();
    Path sys = Path.of("/sys/class/block", real.getFileName().toString(), "size");
    if (Files.isReadable(sys)) {
      return Long.parseLong(Files.readString(sys).trim()) * 512;
    }
    return 0;
  }
}
