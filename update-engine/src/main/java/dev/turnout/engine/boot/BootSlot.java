package dev.turnout.engine.boot;

import dev.turnout.engine.status.UpdateException;
import dev.turnout.engine.system.SystemPaths;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The booted USR partition, the disk that holds it, and the other USR partition: the target of the
 * next update. Partitions are byte ranges of the disk, so an image file works as well as a block
 * device and nothing needs loop devices or root.
 *
 * @param disk the boot disk (a block device, or an image file in tests and the demo)
 * @param booted the partition the running system's /usr is on
 * @param target the other USR partition, which updates are written to
 */
public record BootSlot(Path disk, GptEntry booted, GptEntry target) {
  private static final Pattern PARTUUID = Pattern.compile(
      "(?:^|\\s)(?:verity\\.usr|mount\\.usr|usr)=PARTUUID=([0-9A-Fa-f-]{36})(?:\\s|$)");

  /** The device name hooks and logs use: {@code /dev/sda4}, {@code /dev/nvme0n1p4}, {@code disk.img4}. */
  public String targetDevice() {
    return deviceName(target.number());
  }

  public String bootedDevice() {
    return deviceName(booted.number());
  }

  private String deviceName(int n) {
    String d = disk.toString();
    return d + (Character.isDigit(d.charAt(d.length() - 1)) ? "p" : "") + n;
  }

  /** {@code a} for USR-A (partition 3), {@code b} otherwise, as GRUB picks the kernel. */
  public String targetKernelSuffix() {
    return target.number() == 3 ? "a" : "b";
  }

  /**
   * Finds the slots: the booted PARTUUID from the kernel command line ({@code mount.usr=},
   * {@code usr=} or {@code verity.usr=PARTUUID=...}); the disk from {@code diskOverride} or from
   * {@code /dev/disk/by-partuuid}; the target as the other Flatcar USR partition of that disk.
   */
  public static BootSlot find(SystemPaths paths, Path diskOverride) throws UpdateException {
    UUID booted = bootedPartUuid(paths).or(() -> usrMountPartUuid(paths))
        .orElseThrow(() -> new UpdateException(
            dev.turnout.payload.ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR,
            "cannot tell which USR partition is booted: no mount.usr=/usr=/verity.usr=PARTUUID= in "
                + paths.resolve("/proc/cmdline") + " and no /usr mount on a known partition", null));
    Path disk = diskOverride != null ? diskOverride : diskOf(paths, booted);
    try (GptDisk gpt = GptDisk.open(disk, false)) {
      GptEntry b = gpt.findByUnique(booted).orElseThrow(() -> new UpdateException(
          dev.turnout.payload.ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR,
          "the booted PARTUUID " + booted + " is not on " + disk, null));
      GptEntry target = null;
      for (GptEntry e : gpt.entries()) {
        if (e.used() && e.number() != b.number() && PartitionTypes.isUsr(e.type())) {
          if (target == null || Math.abs(e.number() - b.number()) == 1) {
            target = e;
          }
        }
      }
      if (target == null) {
        throw new UpdateException(dev.turnout.payload.ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR,
            disk + " has no second USR partition to update", null);
      }
      return new BootSlot(disk, b, target);
    } catch (IOException e) {
      throw new UpdateException(dev.turnout.payload.ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR,
          "reading the partition table of " + disk + ": " + e.getMessage(), e);
    }
  }

  static Optional<UUID> bootedPartUuid(SystemPaths paths) {
    try {
      String cmdline = Files.readString(paths.resolve("/proc/cmdline"));
      Matcher m = PARTUUID.matcher(cmdline);
      if (m.find()) {
        return Optional.of(UUID.fromString(m.group(1).toLowerCase(Locale.ROOT)));
      }
    } catch (IOException | IllegalArgumentException e) {
      // fall through: unknown
    }
    return Optional.empty();
  }

  /**
   * The PARTUUID of the device mounted at {@code /usr} ({@code /proc/self/mountinfo}), found by
   * matching it against udev's {@code /dev/disk/by-partuuid} links; dm-verity's
   * {@code /dev/mapper/usr} is followed to the partition under it through sysfs {@code slaves}.
   */
  static Optional<UUID> usrMountPartUuid(SystemPaths paths) {
    try {
      Path mountinfo = paths.resolve("/proc/self/mountinfo");
      if (!Files.isReadable(mountinfo)) {
        return Optional.empty();
      }
      for (String line : Files.readAllLines(mountinfo)) {
        String[] f = line.split(" ");
        int dash = java.util.Arrays.asList(f).indexOf("-");
        if (f.length < 5 || !"/usr".equals(f[4]) || dash < 0 || dash + 2 >= f.length) {
          continue;
        }
        Path dev = Path.of(f[dash + 2]);
        if (!dev.isAbsolute()) {
          continue;
        }
        Path real = paths.resolve(dev.toString()).toRealPath();
        Path slaves = paths.resolve("/sys/class/block/" + real.getFileName() + "/slaves");
        if (Files.isDirectory(slaves)) {
          try (var s = Files.list(slaves)) {
            Optional<Path> under = s.findFirst();
            if (under.isPresent()) {
              real = paths.resolve("/dev/" + under.get().getFileName());
            }
          }
        }
        Path byUuid = paths.resolve("/dev/disk/by-partuuid");
        if (!Files.isDirectory(byUuid)) {
          return Optional.empty();
        }
        try (var links = Files.list(byUuid)) {
          for (Path link : links.toList()) {
            if (link.toRealPath().equals(real.toRealPath())) {
              return Optional.of(UUID.fromString(link.getFileName().toString()
                  .toLowerCase(Locale.ROOT)));
            }
          }
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      // unknown
    }
    return Optional.empty();
  }

  /** The whole disk holding a partition, through udev's by-partuuid link and sysfs. */
  private static Path diskOf(SystemPaths paths, UUID partUuid) throws UpdateException {
    try {
      Path link = paths.resolve("/dev/disk/by-partuuid/" + partUuid);
      Path part = link.toRealPath();
      Path sys = paths.resolve("/sys/class/block/" + part.getFileName()).toRealPath();
      return part.resolveSibling(sys.getParent().getFileName().toString());
    } catch (IOException e) {
      throw new UpdateException(dev.turnout.payload.ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR,
          "cannot find the disk holding PARTUUID " + partUuid + ": " + e.getMessage(), e);
    }
  }
}
