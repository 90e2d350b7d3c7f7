package dev.turnout.gpt;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Partition type GUIDs and the aliases seismograph's cgpt accepts for them ({@code cgpt_common.c}
 * {@code supported_types}). The order matters: a type's description is the FIRST entry with that GUID,
 * which is why real Flatcar shows its USR partitions as {@code Alias for coreos-rootfs}.
 */
public final class PartitionTypes {
  /** Flatcar (and CoreOS) USR partitions; the only type GRUB's gptprio considers. */
  public static final UUID FLATCAR_USR = UUID.fromString("5dfbf5f4-2848-4bac-aa5e-0d9a20b745a6");
  public static final UUID CHROMEOS_KERNEL = UUID.fromString("fe3a2a5d-4f32-41a7-b725-accc3285a309");
  public static final UUID EFI = UUID.fromString("c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
  public static final UUID BIOS_BOOT = UUID.fromString("21686148-6449-6e6f-744e-656564454649");
  public static final UUID LINUX_DATA = UUID.fromString("0fc63daf-8483-4772-8e79-3d69d8477de4");
  public static final UUID FLATCAR_RESIZE = UUID.fromString("3884dd41-8582-4404-b9a8-e9b84f2df50e");
  public static final UUID FLATCAR_RESERVED = UUID.fromString("c95dc21a-df0e-4340-8d7b-26cbfa9a03e0");
  public static final UUID FLATCAR_ROOT_RAID = UUID.fromString("be9067b9-ea49-4f15-b4f6-f36f8c9e1818");

  private static final UUID CHROMEOS_FIRMWARE = UUID.fromString("cab6e88e-abf3-4102-a07a-d4bb9be3c1d3");
  private static final UUID CHROMEOS_ROOTFS = UUID.fromString("3cb8e202-3b7e-47dd-8a3c-7ff2a13cfcec");
  private static final UUID CHROMEOS_RESERVED = UUID.fromString("2e0a753d-9e48-43b0-8337-b15192cb1b5e");
  private static final UUID MSWIN_DATA = UUID.fromString("ebd0a0a2-b9e5-4433-87c0-68b6b72699c7");
  private static final UUID LINUX_SWAP = UUID.fromString("0657fd6d-a4ab-43c4-84e5-0933c84b4f4f");
  private static final UUID LINUX_BOOT = UUID.fromString("bc13c2ff-59e6-4262-a352-b275fd6f7172");
  private static final UUID LINUX_HOME = UUID.fromString("933ac7e1-2eb4-4f13-b844-0e14e2aef915");
  private static final UUID LINUX_LVM = UUID.fromString("e6d6d379-f507-44c2-a23c-238f2a3df928");
  private static final UUID LINUX_RAID = UUID.fromString("a19d880f-05fc-4d3b-a006-743f0f84911e");
  private static final UUID LINUX_RESERVED = UUID.fromString("8da63339-0007-60c0-c436-083ac8230908");

  /** One alias: the name accepted by {@code -t}, and the description {@code show} prints. */
  public record Alias(String name, UUID guid, String description) {}

  /** In seismograph's order. */
  public static final List<Alias> ALIASES = List.of(
      new Alias("firmware", CHROMEOS_FIRMWARE, "ChromeOS firmware"),
      new Alias("kernel", CHROMEOS_KERNEL, "ChromeOS kernel"),
      new Alias("rootfs", CHROMEOS_ROOTFS, "ChromeOS rootfs"),
      new Alias("data", LINUX_DATA, "Alias for linux-data"),
      new Alias("chromeos-data", MSWIN_DATA, "Alias for mswin-data"),
      new Alias("reserved", CHROMEOS_RESERVED, "ChromeOS reserved"),
      new Alias("mswin-data", MSWIN_DATA, "MS Windows data"),
      new Alias("efi", EFI, "EFI System Partition"),
      new Alias("bios", BIOS_BOOT, "BIOS Boot Partition"),
      new Alias("unused", Guids.ZERO, "Unused (nonexistent) partition"),
      new Alias("linux-data", LINUX_DATA, "Linux data"),
      new Alias("linux-swap", LINUX_SWAP, "Linux swap"),
      new Alias("linux-boot", LINUX_BOOT, "Linux /boot"),
      new Alias("linux-home", LINUX_HOME, "Linux /home"),
      new Alias("linux-lvm", LINUX_LVM, "Linux LVM"),
      new Alias("linux-raid", LINUX_RAID, "Linux RAID"),
      new Alias("linux-reserved", LINUX_RESERVED, "Linux reserved"),
      new Alias("coreos-usr", FLATCAR_USR, "Alias for coreos-rootfs"),
      new Alias("coreos-rootfs", FLATCAR_USR, "CoreOS rootfs"),
      new Alias("coreos-resize", FLATCAR_RESIZE, "CoreOS auto-resize"),
      new Alias("coreos-reserved", FLATCAR_RESERVED, "CoreOS reserved"),
      new Alias("coreos-root-raid", FLATCAR_ROOT_RAID, "CoreOS RAID containing root"),
      new Alias("flatcar-usr", FLATCAR_USR, "Alias for flatcar-rootfs"),
      new Alias("flatcar-rootfs", FLATCAR_USR, "Flatcar Container Linux rootfs"),
      new Alias("flatcar-resize", FLATCAR_RESIZE, "Flatcar Container Linux auto-resize"),
      new Alias("flatcar-reserved", FLATCAR_RESERVED, "Flatcar Container Linux reserved"),
      new Alias("flatcar-root-raid", FLATCAR_ROOT_RAID, "Flatcar Container Linux RAID containing root"));

  private PartitionTypes() {}

  /** The GUID for an alias name, or for a GUID given as text. */
  public static Optional<UUID> resolve(String nameOrGuid) {
    for (Alias a : ALIASES) {
      if (a.name().equals(nameOrGuid)) {
        return Optional.of(a.guid());
      }
    }
    try {
      return Optional.of(Guids.parse(nameOrGuid));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The description of the first alias with this GUID, as {@code cgpt show} prints it. */
  public static Optional<String> describe(UUID type) {
    return ALIASES.stream().filter(a -> a.guid().equals(type)).map(Alias::description).findFirst();
  }

  /** seismograph's {@code IsRoot}: the partitions prioritize, next and gptprio act on. */
  public static boolean isUsr(UUID type) {
    return FLATCAR_USR.equals(type);
  }
}
