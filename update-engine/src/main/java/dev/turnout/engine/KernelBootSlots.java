package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.Sysfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link BootSlots} as Flatcar boots: the booted PARTUUID from the kernel command line
 * ({@code mount.usr=}, {@code usr=} or {@code verity.usr=PARTUUID=...}, as the initrd reads it), or
 * else from the device mounted at {@code /usr}; the disk from {@code --disk} or from udev's
 * {@code /dev/disk/by-partuuid} and sysfs; the target as the other USR partition of that disk.
 * The command line is cross-checked against the GPT: a slot the boot loader would never boot is
 * not believed to be the booted one.
 */
final class KernelBootSlots implements BootSlots {
  private static final Pattern PARTUUID = Pattern.compile(
      "(?:^|\\s)(?:verity\\.usr|mount\\.usr|usr)=PARTUUID=([0-9A-Fa-f-]{36})(?:\\s|$)");

  private final SystemPaths paths;
  private final Path diskOverride;
  private final Disks disks;
  private final Sysfs sysfs;

  /** @param diskOverride the boot disk when given ({@code --disk}), else null */
  public KernelBootSlots(SystemPaths paths, Path diskOverride, Disks disks) {
    this.paths = paths;
    this.diskOverride = diskOverride;
    this.disks = disks;
    this.sysfs = new Sysfs(paths.resolve("/sys/class/block"));
  }

  @Override
  public BootSlot find() throws UpdateException {
    UUID booted = bootedPartUuid().or(this::usrMountPartUuid).orElseThrow(() -> failure(
        "cannot tell which USR partition is booted: no mount.usr=/usr=/verity.usr=PARTUUID= in "
            + paths.resolve("/proc/cmdline") + " and no /usr mount on a known partition", null));
    Path disk = diskOverride != null ? diskOverride : diskOf(booted);
    try (GptDisk gpt = disks.gpt(disk, false)) {
      GptEntry b = gpt.findByUnique(booted).orElseThrow(() -> failure(
          "the booted PARTUUID " + booted + " is not on " + disk, null));
      if (b.attributes().priority() == 0) {
        // gptprio.next never boots a slot of priority 0, whatever its tries and successful bits:
        // a command line that names one is wrong, and trusting it would overwrite the real system.
        throw new UntrustedBootSlotException("the kernel command line names " + b.label()
            + " (partition " + b.number() + ", PARTUUID " + booted + ") as booted, but its"
            + " priority is 0 and the boot loader never boots such a slot; not believing it:"
            + " nothing is marked good and nothing is written until the two agree");
      }
      GptEntry target = gpt.otherUsr(b.number()).orElseThrow(() -> failure(
          disk + " has no second USR partition to update", null));
      return new BootSlot(disk, b, target);
    } catch (IOException e) {
      throw failure("reading the partition table of " + disk + ": " + e.getMessage(), e);
    }
  }

  /** The GPT and the kernel command line disagree on which slot runs: trust neither. */
  public static final class UntrustedBootSlotException extends UpdateException {
    private static final long serialVersionUID = 1L;

    UntrustedBootSlotException(String message) {
      super(ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR, message, null);
    }
  }

  /** The disk the booted partition is on, without judging the slot (for the daemon's disk lock). */
  public Path disk() throws UpdateException {
    if (diskOverride != null) {
      return diskOverride;
    }
    UUID booted = bootedPartUuid().or(this::usrMountPartUuid).orElseThrow(() -> failure(
        "cannot tell which USR partition is booted", null));
    return diskOf(booted);
  }

  private static UpdateException failure(String message, Throwable cause) {
    return new UpdateException(ErrorCode.OMAHA_RESPONSE_HANDLER_ERROR, message, cause);
  }

  Optional<UUID> bootedPartUuid() {
    try {
      Matcher m = PARTUUID.matcher(Files.readString(paths.resolve("/proc/cmdline")));
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
   * {@code /dev/mapper/usr} is followed to the partition under it.
   */
  Optional<UUID> usrMountPartUuid() {
    try {
      Path mountinfo = paths.resolve("/proc/self/mountinfo");
      if (!Files.isReadable(mountinfo)) {
        return Optional.empty();
      }
      for (String line : Files.readAllLines(mountinfo)) {
        List<String> f = Arrays.asList(line.split(" "));
        int dash = f.indexOf("-");
        if (f.size() < 5 || !"/usr".equals(f.get(4)) || dash < 0 || dash + 2 >= f.size()
            || !f.get(dash + 2).startsWith("/")) {
          continue;
        }
        Path real = paths.resolve(f.get(dash + 2)).toRealPath();
        Optional<String> under = sysfs.firstSlave(real.getFileName().toString());
        if (under.isPresent()) {
          real = paths.resolve("/dev/" + under.get());
        }
        return partUuidOf(real);
      }
    } catch (IOException | IllegalArgumentException e) {
      // unknown
    }
    return Optional.empty();
  }

  private Optional<UUID> partUuidOf(Path device) throws IOException {
    Path byUuid = paths.resolve("/dev/disk/by-partuuid");
    if (!Files.isDirectory(byUuid)) {
      return Optional.empty();
    }
    Path real = device.toRealPath();
    try (Stream<Path> links = Files.list(byUuid)) {
      for (Path link : links.toList()) {
        if (link.toRealPath().equals(real)) {
          return Optional.of(UUID.fromString(link.getFileName().toString()
              .toLowerCase(Locale.ROOT)));
        }
      }
    }
    return Optional.empty();
  }

  /** The whole disk holding a partition, through udev's by-partuuid link and sysfs. */
  private Path diskOf(UUID partUuid) throws UpdateException {
    try {
      Path part = paths.resolve("/dev/disk/by-partuuid/" + partUuid).toRealPath();
      return part.resolveSibling(sysfs.diskOf(part));
    } catch (IOException e) {
      throw failure("cannot find the disk holding PARTUUID " + partUuid + ": " + e.getMessage(), e);
    }
  }
}
