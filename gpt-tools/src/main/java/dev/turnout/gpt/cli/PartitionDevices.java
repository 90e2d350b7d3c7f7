package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptException;
import dev.turnout.gpt.Sysfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Accepts a partition device ({@code /dev/sda4}) where a disk is expected, as seismograph's cgpt does
 * ({@code blkid_utils.c}); Flatcar's scripts rely on it ({@code cgpt add -S1 -T0 /dev/sda4}). The
 * kernel's sysfs says whether a block device is a partition, its number, and its disk.
 */
final class PartitionDevices {
  /** The disk to open and the partition number to act on (0 when none was given). */
  record Target(String disk, int partition) {}

  private PartitionDevices() {}

  static Target resolve(String drive, int partition) throws IOException {
    return resolve(drive, partition, Sysfs.system());
  }

  static Target resolve(String drive, int partition, Sysfs sysfs) throws IOException {
    Path path = Path.of(drive);
    if (!drive.startsWith("/dev/") || Files.isRegularFile(path) || !Files.exists(path)) {
      return new Target(drive, partition);
    }
    Optional<Sysfs.Partition> p = sysfs.partition(path);
    if (p.isEmpty()) {
      return new Target(drive, partition);
    }
    int number = p.get().number();
    if (partition != 0 && partition != number) {
      throw new GptException(drive + " is partition " + number + ", but -i " + partition
          + " was given");
    }
    return new Target("/dev/" + p.get().disk(), number);
  }
}
