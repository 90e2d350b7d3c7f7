package dev.turnout.gpt.cli;

import dev.turnout.gpt.GptException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Accepts a partition device ({@code /dev/sda4}) where a disk is expected, as seismograph's cgpt does
 * ({@code blkid_utils.c}); Flatcar's scripts rely on it ({@code cgpt add -S1 -T0 /dev/sda4}). The
 * kernel's sysfs says whether a block device is a partition, its number, and its disk.
 */
final class PartitionDevices {
  private static final Path SYS_CLASS_BLOCK = Path.of("/sys/class/block");

  /** The disk to open and the partition number to act on (0 when none was given). */
  record Target(String disk, int partition) {}

  private PartitionDevices() {}

  static Target resolve(String drive, int partition) throws IOException {
    return resolve(drive, partition, SYS_CLASS_BLOCK);
  }

  static Target resolve(String drive, int partition, Path sysClassBlock) throws IOException {
    Path path = Path.of(drive);
    if (!drive.startsWith("/dev/") || Files.isRegularFile(path) || !Files.exists(path)) {
      return new Target(drive, partition);
    }
    String name = path.toRealPath().getFileName().toString();
    Path sys = sysClassBlock.resolve(name);
    Path partitionFile = sys.resolve("partition");
    if (!Files.isReadable(partitionFile)) {
      return new Target(drive, partition);
    }
    int number = Integer.parseInt(Files.readString(partitionFile).trim());
    if (partition != 0 && partition != number) {
      throw new GptException(drive + " is partition " + number + ", but -i " + partition
          + " was given");
    }
    String disk = sys.toRealPath().getParent().getFileName().toString();
    return new Target("/dev/" + disk, number);
  }
}
