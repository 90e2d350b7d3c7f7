package dev.turnout.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hostile and damaged disks: each gives an error that names what is wrong, and no operation but
 * repair writes to a disk that is not valid.
 */
class HostileImageTest {
  private interface Op {
    void run(GptDisk d) throws IOException;
  }

  private static final List<Op> WRITERS = List.of(d -> d.markActive(4), d -> d.markGood(3),
      GptDisk::selectNext, GptDisk::cgptNext, d -> d.prioritize(0, false, 0),
      d -> d.add(PartitionSpec.attributes(3, true, 0, 2)));

  /** Every writing operation fails with a message containing {@code expected}; nothing changes. */
  private static void assertRefusedUntouched(byte[] image, String expected) {
    for (Op op : WRITERS) {
      MemoryBlockDevice dev = new MemoryBlockDevice(image.clone());
      assertThatThrownBy(() -> op.run(new GptDisk(dev))).isInstanceOf(GptException.class)
          .hasMessageContaining(expected);
      assertThat(Arrays.equals(dev.data, image)).as("image unchanged").isTrue();
    }
  }

  @Test
  void emptyDevice() {
    assertThatThrownBy(() -> new GptDisk(new MemoryBlockDevice(new byte[0])).inspect())
        .hasMessage("memory-disk: the disk is empty (0 bytes)");
  }

  @Test
  void deviceTooSmallForAGpt() {
    assertThatThrownBy(() -> new GptDisk(new MemoryBlockDevice(new byte[66 * 512])).entries())
        .hasMessage("memory-disk: too small to hold a GPT: 66 sectors, at least 67 needed");
  }

  @Test
  void partialSector() {
    assertThatThrownBy(() -> new GptDisk(new MemoryBlockDevice(new byte[70000])).entries())
        .hasMessageContaining("media size (70000) is not a multiple of the sector size (512)");
  }

  @Test
  void blankDiskHasNoGpt() {
    assertRefusedUntouched(new byte[1 << 20], "no GPT signature");
  }

  @Test
  void bothHeaderCrcsBad() throws IOException {
    byte[] img = TestDisks.memory().data;
    img[GptLayout.SECTOR + 50] ^= 1;
    img[img.length - GptLayout.SECTOR + 50] ^= 1;
    GptException e = catchGpt(img);
    assertThat(e.kind()).isEqualTo(GptException.Kind.NO_VALID_GPT);
    assertThat(e.error()).isEqualTo(GptError.INVALID_HEADERS);
    assertThat(e.details()).hasSize(2).allMatch(d -> d.contains("header CRC mismatch"));
    assertThat(e.details().get(0)).startsWith("primary GPT header: ");
    assertRefusedUntouched(img, "header CRC mismatch");
  }

  @Test
  void bothArrayCrcsBad() throws IOException {
    byte[] img = TestDisks.memory().data;
    img[2 * GptLayout.SECTOR + 200] ^= 1;
    img[img.length - GptLayout.SECTOR - 1000] ^= 1;
    assertThat(catchGpt(img).error()).isEqualTo(GptError.INVALID_ENTRIES);
    assertRefusedUntouched(img, "partition array CRC mismatch");
  }

  @Test
  void entryCountOutOfRange() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchHeaders(img, h -> Le.put32(h, 80, 4096));
    assertRefusedUntouched(img, "entry count 4096 is out of range");
  }

  @Test
  void entrySizeOutOfRange() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchHeaders(img, h -> Le.put32(h, 84, 256));
    assertRefusedUntouched(img, "entry size 256 is not supported");
  }

  @Test
  void headerSizeOutOfRange() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchHeaders(img, h -> Le.put32(h, 12, 4000));
    assertRefusedUntouched(img, "header size 4000 is out of range");
  }

  @Test
  void overlappingPartitions() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchArrays(img, Corruptions.extent(4, 10000, 30000));
    assertRefusedUntouched(img, "partition 3 ends inside partition 4");
  }

  @Test
  void partitionPastTheUsableRegion() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchArrays(img, Corruptions.extent(4, 20480, 131050));
    assertRefusedUntouched(img, "partition 4 (LBA 20480..131050) is outside the usable region");
  }

  @Test
  void partitionEndingBeforeItStarts() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchArrays(img, Corruptions.extent(4, 30000, 20000));
    assertRefusedUntouched(img, "partition 4 (LBA 30000..20000) is outside the usable region");
  }

  @Test
  void lastUsablePointingPastTheEnd() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchHeaders(img, h -> Le.put64(h, 48, 1L << 40));
    assertRefusedUntouched(img, "last usable LBA 1099511627776 is past the end");
  }

  @Test
  void backupHeaderClaimingALocationPastTheEnd() throws IOException {
    byte[] img = TestDisks.memory().data;
    Corruptions.patchHeaders(img, h -> Le.put64(h, 24, Le.u64(h, 24) == 1 ? 7 : 1L << 33));
    GptException e = catchGpt(img);
    assertThat(e.details()).anyMatch(d -> d.contains("past the end of the disk"))
        .anyMatch(d -> d.contains("header claims LBA 7, not 1"));
    assertRefusedUntouched(img, "past the end of the disk");
  }

  @Test
  void truncatedImageIsNotAGptAnyMore() throws IOException {
    byte[] full = TestDisks.memory().data;
    byte[] img = Arrays.copyOf(full, 30000 * GptLayout.SECTOR); // cuts through USR-B
    GptInspection g = new GptDisk(new MemoryBlockDevice(img)).inspect();
    assertThat(g.sanity()).isEqualTo(GptError.INVALID_HEADERS);
    assertThat(g.problems()).containsExactly(
        "primary GPT header: last usable LBA 49118 is past the end of the disk's usable space"
            + " (29966)",
        "secondary GPT header: no GPT signature");
    assertRefusedUntouched(img, "no valid GPT");
    MemoryBlockDevice dev = new MemoryBlockDevice(img.clone());
    assertThatThrownBy(() -> new GptDisk(dev).repair()).hasMessageContaining("cannot repair");
    assertThat(dev.data).isEqualTo(img);
  }

  @Test
  void oneBadCopyIsReadableButChangesWaitForRepair() throws IOException {
    byte[] img = TestDisks.memory().data;
    img[img.length - GptLayout.SECTOR + 60] ^= 1;
    GptDisk disk = new GptDisk(new MemoryBlockDevice(img.clone()));
    assertThat(disk.entry(3).label()).isEqualTo("USR-A");
    MemoryBlockDevice dev = new MemoryBlockDevice(img.clone());
    assertThatThrownBy(() -> new GptDisk(dev).prioritize(0, false, 0))
        .hasMessageContaining("run 'cgpt repair'");
    assertThat(dev.data).isEqualTo(img);
  }

  private static GptException catchGpt(byte[] img) {
    try {
      new GptDisk(new MemoryBlockDevice(img.clone())).entries();
    } catch (GptException e) {
      return e;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no GptException");
  }
}
