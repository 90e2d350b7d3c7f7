package dev.turnout.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class GptDiskTest {
  @Test
  void createWritesCgptsFreshLayout() throws IOException {
    MemoryBlockDevice dev = new MemoryBlockDevice(new byte[131072 * 512]);
    new GptDisk(dev).create(TestDisks.DISK);
    GptInspection g = new GptDisk(dev).inspect();
    assertThat(g.fullyValid()).isTrue();
    GptHeader p = g.primaryHeader();
    assertThat(p.signatureText()).isEqualTo("EFI PART");
    assertThat(p.revision()).isEqualTo(0x10000);
    assertThat(p.size()).isEqualTo(92);
    assertThat(p.myLba()).isEqualTo(1);
    assertThat(p.alternateLba()).isEqualTo(131071);
    assertThat(p.firstUsableLba()).isEqualTo(34);
    assertThat(p.lastUsableLba()).isEqualTo(131038);
    assertThat(p.entriesLba()).isEqualTo(2);
    assertThat(p.numberOfEntries()).isEqualTo(128);
    assertThat(p.sizeOfEntry()).isEqualTo(128);
    assertThat(p.diskGuid()).isEqualTo(TestDisks.DISK);
    GptHeader s = g.secondaryHeader();
    assertThat(s.myLba()).isEqualTo(131071);
    assertThat(s.alternateLba()).isEqualTo(1);
    assertThat(s.entriesLba()).isEqualTo(131039);
    assertThat(s.entriesCrc()).isEqualTo(p.entriesCrc());
    // Protective MBR as Flatcar's cgpt writes it: 00 | 00 02 00 | EE | FF FF FF | LBA 1 | count.
    assertThat(HexFormat.of().formatHex(dev.data, 446, 462))
        .isEqualTo("000002" + "00ee" + "ffffff" + "01000000" + "ffff0100");
    assertThat(dev.data[510]).isEqualTo((byte) 0x55);
    assertThat(dev.data[511]).isEqualTo((byte) 0xAA);
    assertThat(g.pmbrDescription()).isEqualTo("Protective MBR");
  }

  @Test
  void readsBackWhatAddWrote() throws IOException {
    GptDisk disk = new GptDisk(TestDisks.memory());
    GptEntry a = disk.entry(3);
    assertThat(a.label()).isEqualTo("USR-A");
    assertThat(a.type()).isEqualTo(PartitionTypes.FLATCAR_USR);
    assertThat(a.unique()).isEqualTo(TestDisks.USR_A);
    assertThat(a.firstLba()).isEqualTo(4096);
    assertThat(a.sizeLba()).isEqualTo(16384);
    assertThat(a.byteOffset()).isEqualTo(4096L * 512);
    assertThat(disk.findByUnique(TestDisks.USR_B)).get().extracting(GptEntry::number).isEqualTo(4);
    assertThat(disk.entry(2).used()).isFalse();
  }

  @Test
  void addFillsTheFirstFreeSlotAndKeepsLabelsOfUntouchedEntries() throws IOException {
    GptDisk disk = new GptDisk(TestDisks.memory());
    GptEntry e = disk.add(new PartitionSpec(null, 40000L, 100L, PartitionTypes.LINUX_DATA, null,
        "OEM-\u00e9t\u00e9", null, null, null, null, null));
    assertThat(e.number()).isEqualTo(2);
    assertThat(disk.entry(2).label()).isEqualTo("OEM-\u00e9t\u00e9");
    assertThat(disk.entry(2).unique()).isNotEqualTo(Guids.ZERO);
    disk.add(PartitionSpec.attributes(3, false, 3, 7));
    assertThat(disk.entry(3).label()).isEqualTo("USR-A");
  }

  @Test
  void addRejectsOverlapsAndLeavesTheDiskUntouched() throws IOException {
    MemoryBlockDevice dev = TestDisks.memory();
    byte[] before = dev.data.clone();
    GptDisk disk = new GptDisk(dev);
    assertThatThrownBy(() -> disk.add(new PartitionSpec(5, 5000L, 100L, PartitionTypes.LINUX_DATA,
        null, "X", null, null, null, null, null)))
        .isInstanceOf(GptException.class).hasMessage("Starting LBA overlaps");
    assertThatThrownBy(() -> disk.add(new PartitionSpec(5, 131000L, 100L,
        PartitionTypes.LINUX_DATA, null, "X", null, null, null, null, null)))
        .hasMessage("Entry outside of valid region");
    assertThatThrownBy(() -> disk.add(new PartitionSpec(5, 100L, null, PartitionTypes.LINUX_DATA,
        null, "X", null, null, null, null, null)))
        .hasMessage("-t, -b, and -s options are required for new partitions");
    assertThatThrownBy(() -> disk.add(new PartitionSpec(129, 1L, 1L, PartitionTypes.LINUX_DATA,
        null, "X", null, null, null, null, null)))
        .hasMessage("invalid partition number: 129");
    assertThat(dev.data).isEqualTo(before);
  }

  @Test
  void longLabelsAreCutAt35CodeUnits() throws IOException {
    GptDisk disk = new GptDisk(TestDisks.memory());
    disk.add(new PartitionSpec(3, null, null, null, null, "x".repeat(50), null, null, null, null,
        null));
    assertThat(disk.entry(3).label()).isEqualTo("x".repeat(35));
  }

  @Test
  void legacyBootableMakesAHybridMbr() throws IOException {
    MemoryBlockDevice dev = TestDisks.memory();
    GptDisk disk = new GptDisk(dev);
    disk.add(new PartitionSpec(1, null, null, null, null, null, true, null, null, null, null));
    assertThat(disk.inspect().pmbrDescription()).isEqualTo("Hybrid MBR");
    assertThat(dev.data[446]).isEqualTo((byte) 0x80);
    assertThat(dev.data[446 + 4]).isEqualTo((byte) 0x0C);
    assertThat(Le.u32(dev.data, 446 + 8)).isEqualTo(2048);
    assertThat(dev.data[462 + 4]).isEqualTo((byte) 0xEE);
    assertThat(Le.u32(dev.data, 462 + 12)).isEqualTo(2047);
  }
}
