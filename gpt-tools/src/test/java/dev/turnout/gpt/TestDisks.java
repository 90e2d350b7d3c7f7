package dev.turnout.gpt;

import java.io.IOException;
import java.nio.file.Path;
import java.util.UUID;

/** Flatcar-shaped test disks: USR-A (3) and USR-B (4) as Flatcar's disk_util lays them out. */
final class TestDisks {
  static final UUID USR_A = UUID.fromString("7130c94a-213a-4e5a-8e26-6cce9662f132");
  static final UUID USR_B = UUID.fromString("e03dd35c-7c2d-4a47-b3fe-27f15780a57c");
  static final UUID DISK = UUID.fromString("00000000-0000-0000-0000-000000000001");
  static final long SECTORS = 49152;

  private TestDisks() {}

  /** A fresh Flatcar image: USR-A priority 1, successful; USR-B all zero. */
  static void layOut(GptDisk disk) throws IOException {
    disk.create(DISK);
    disk.add(new PartitionSpec(1, 2048L, 2048L, PartitionTypes.EFI, null, "EFI-SYSTEM", null,
        null, null, null, null));
    disk.add(new PartitionSpec(3, 4096L, 16384L, PartitionTypes.FLATCAR_USR, USR_A, "USR-A", null,
        null, null, null, null));
    disk.add(new PartitionSpec(4, 20480L, 16384L, PartitionTypes.FLATCAR_USR, USR_B, "USR-B", null,
        null, null, null, null));
    disk.add(PartitionSpec.attributes(3, true, null, 1));
  }

  static MemoryBlockDevice memory() throws IOException {
    MemoryBlockDevice dev = new MemoryBlockDevice(new byte[(int) SECTORS * GptLayout.SECTOR]);
    layOut(new GptDisk(dev));
    return dev;
  }

  static Path image(Path dir) throws IOException {
    Path img = dir.resolve("disk.img");
    try (GptDisk disk = GptDisk.createImage(img, SECTORS)) {
      layOut(disk);
    }
    return img;
  }

  /** The raw attribute field of entry {@code number} in the primary (2) or backup array. */
  static long rawAttributes(byte[] disk, boolean backup, int number) {
    long arrayLba = backup ? GptLayout.backupEntriesLba(disk.length / GptLayout.SECTOR) : 2;
    int off = (int) (arrayLba * GptLayout.SECTOR) + (number - 1) * GptEntry.SIZE + 48;
    return Le.u64(disk, off);
  }
}
