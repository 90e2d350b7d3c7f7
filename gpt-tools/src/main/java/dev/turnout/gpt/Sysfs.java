package dev.turnout.gpt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the kernel's {@code /sys/class/block} says about block devices: their size, whether one is a
 * partition (its number and its disk), and what a device-mapper device sits on. Rooted anywhere, so
 * tests and a daemon with {@code --root} read a tree of their own.
 */
public final class Sysfs {
  private final Path classBlock;

  /** @param classBlock the {@code /sys/class/block} directory to read */
  public Sysfs(Path classBlock) {
    this.classBlock = classBlock;
  }

  /** The machine's own {@code /sys/class/block}. */
  public static Sysfs system() {
    return new Sysfs(Path.of("/sys/class/block"));
  }

  /** A partition of a disk: {@code /dev/sda4} is partition 4 of {@code sda}. */
  public record Partition(String disk, int number) {}

  /**
   * The size in bytes of the block device a node points at (fstat says 0 for a device node; sysfs
   * counts 512-byte sectors whatever the device's block size), or 0 when sysfs does not know it.
   */
  public long size(Path device) throws IOException {
    Path sys = classBlock.resolve(device.toRealPath().getFileName().toString()).resolve("size");
    if (!Files.isReadable(sys)) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(sys).trim()) * 512;
    } catch (NumberFormatException e) {
      throw new IOException(sys + " does not hold a number");
    }
  }

  /** The disk and number of the partition {@code device} is, or empty when it is no partition. */
  public Optional<Partition> partition(Path device) throws IOException {
    Path sys = classBlock.resolve(device.toRealPath().getFileName().toString());
    Path number = sys.resolve("partition");
    if (!Files.isReadable(number)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Partition(disk(sys), Integer.parseInt(Files.readString(number).trim())));
    } catch (NumberFormatException e) {
      throw new IOException(number + " does not hold a number");
    }
  }

  /** The disk holding the partition {@code device}, named as in {@code /dev} ({@code sda}). */
  public String diskOf(Path device) throws IOException {
    return disk(classBlock.resolve(device.toRealPath().getFileName().toString()));
  }

  /** The first device under a stacked one (dm-verity's {@code dm-0} over {@code sda4}). */
  public Optional<String> firstSlave(String name) throws IOException {
    Path slaves = classBlock.resolve(name).resolve("slaves");
    if (!Files.isDirectory(slaves)) {
      return Optional.empty();
    }
    try (Stream<Path> s = Files.list(slaves)) {
      return s.map(p -> p.getFileName().toString()).sorted().findFirst();
    }
  }

  /** A partition's sysfs directory links into its disk's: the parent's name is the disk. */
  private static String disk(Path partitionDir) throws IOException {
    return partitionDir.toRealPath().getParent().getFileName().toString();
  }
}
