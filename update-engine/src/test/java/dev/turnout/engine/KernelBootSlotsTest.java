package dev.turnout.engine;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.PartitionSpec;
import dev.turnout.gpt.PartitionTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelBootSlotsTest {
  static final UUID A = UUID.fromString("7130c94a-213a-4e5a-8e26-6cce9662f132");
  static final UUID B = UUID.fromString("e03dd35c-7c2d-4a47-b3fe-27f15780a57c");
  @TempDir Path dir;
  Path disk;
  SystemPaths paths;

  @BeforeEach
  void setUp() throws Exception {
    disk = dir.resolve("disk.img");
    try (GptDisk d = GptDisk.createImage(disk, 20480)) {
      d.create(null);
      // USR-A good; USR-B on the first boot of an update (gptprio spent its try).
      d.add(new PartitionSpec(3, 2048L, 4096L, PartitionTypes.FLATCAR_USR, A, "USR-A", null,
          true, 0, 1, null));
      d.add(new PartitionSpec(4, 6144L, 4096L, PartitionTypes.FLATCAR_USR, B, "USR-B", null,
          false, 0, 2, null));
      d.add(new PartitionSpec(6, 10240L, 2048L, PartitionTypes.LINUX_DATA, null, "OEM", null,
          null, null, null, null));
    }
    paths = new SystemPaths(dir.resolve("root"));
    Files.createDirectories(paths.resolve("/proc"));
  }

  private BootSlot with(String cmdline) throws Exception {
    Files.writeString(paths.resolve("/proc/cmdline"), cmdline);
    return new KernelBootSlots(paths, disk, new FileDisks()).find();
  }

  @Test
  void readsEveryFormFlatcarPutsOnTheCommandLine() throws Exception {
    assertThat(with("mount.usr=PARTUUID=" + A + " rootflags=rw").booted().number()).isEqualTo(3);
    assertThat(with("root=LABEL=ROOT usr=PARTUUID=" + B).booted().number()).isEqualTo(4);
    BootSlot verity = with("mount.usr=/dev/mapper/usr verity.usr=PARTUUID="
        + B.toString().toUpperCase() + " verity.usrhash=abc");
    assertThat(verity.booted().number()).isEqualTo(4);
    assertThat(verity.target().number()).isEqualTo(3);
    assertThat(verity.targetKernelSuffix()).isEqualTo("a");
    assertThat(verity.targetDevice()).isEqualTo(disk + "3");
  }

  @Test
  void theTargetIsTheOtherUsrPartition() throws Exception {
    BootSlot s = with("mount.usr=PARTUUID=" + A);
    assertThat(s.target().unique()).isEqualTo(B);
    assertThat(s.targetKernelSuffix()).isEqualTo("b");
    assertThat(s.target().byteOffset()).isEqualTo(6144L * 512);
  }

  @Test
  void withoutACommandLineHintTheUsrMountSays() throws Exception {
    Files.writeString(paths.resolve("/proc/cmdline"), "root=LABEL=ROOT");
    Files.createDirectories(paths.resolve("/proc/self"));
    Files.writeString(paths.resolve("/proc/self/mountinfo"),
        "22 1 8:9 / / rw,relatime shared:1 - ext4 /dev/sda9 rw\n"
            + "25 22 254:0 / /usr ro,relatime shared:5 - btrfs /dev/mapper/usr ro\n");
    Files.createDirectories(paths.resolve("/dev/mapper"));
    Files.createFile(paths.resolve("/dev/dm-0"));
    Files.createSymbolicLink(paths.resolve("/dev/mapper/usr"), paths.resolve("/dev/dm-0"));
    Files.createFile(paths.resolve("/dev/sda4"));
    Files.createDirectories(paths.resolve("/sys/class/block/dm-0/slaves/sda4"));
    Files.createDirectories(paths.resolve("/dev/disk/by-partuuid"));
    Files.createSymbolicLink(paths.resolve("/dev/disk/by-partuuid/" + B),
        paths.resolve("/dev/sda4"));
    BootSlot s = new KernelBootSlots(paths, disk, new FileDisks()).find();
    assertThat(s.booted().unique()).isEqualTo(B);
    assertThat(s.target().unique()).isEqualTo(A);
  }

  @Test
  void unknownBootsAreClearErrors() throws Exception {
    assertThatThrownBy(() -> with("root=/dev/sda9")).isInstanceOf(UpdateException.class)
        .hasMessageContaining("cannot tell which USR partition is booted");
    assertThatThrownBy(() -> with("mount.usr=PARTUUID=11111111-2222-4333-8444-555555555555"))
        .hasMessageContaining("is not on " + disk);
  }

  @Test
  void aCommandLineNamingASlotTheBootLoaderNeverBootsIsNotBelieved() throws Exception {
    try (GptDisk d = GptDisk.open(disk, true)) {
      d.markUnbootable(4); // USR-B empty: priority 0, tries 0, not successful
    }
    assertThatThrownBy(() -> with("mount.usr=PARTUUID=" + B))
        .isInstanceOf(KernelBootSlots.UntrustedBootSlotException.class)
        .hasMessageContaining("USR-B (partition 4").hasMessageContaining("priority is 0");
    assertThat(with("mount.usr=PARTUUID=" + A).booted().number()).isEqualTo(3);
    assertThat(new KernelBootSlots(paths, disk, new FileDisks()).disk()).isEqualTo(disk);
  }
}
