package dev.turnout.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cuts every mutation short at every sector boundary (a power cut through the I/O seam) and checks
 * that reading the disk and running repair yields the old table or the new one, never anything else.
 */
class TornWriteTest {
  interface Mutation {
    void apply(GptDisk disk) throws IOException;
  }

  static Stream<Arguments> mutations() {
    return Stream.of(
        Arguments.of("markActive(USR-B)", (Mutation) d -> d.markActive(4), null),
        Arguments.of("markGood(USR-A)", (Mutation) d -> d.markGood(3), null),
        Arguments.of("selectNext after markActive", (Mutation) GptDisk::selectNext,
            (Mutation) d -> d.markActive(4)),
        Arguments.of("cgptNext after markActive", (Mutation) GptDisk::cgptNext,
            (Mutation) d -> d.markActive(4)),
        Arguments.of("prioritize -i 4", (Mutation) d -> d.prioritize(4, false, 0), null),
        Arguments.of("add a partition", (Mutation) d -> d.add(new PartitionSpec(null, 40000L, 64L,
            PartitionTypes.LINUX_DATA,
            java.util.UUID.fromString("11111111-2222-4333-8444-555555555555"), "NEW", null, null, null, null, null)), null),
        Arguments.of("repair a corrupted primary header", (Mutation) GptDisk::repair,
            (Mutation) d -> { }),
        Arguments.of("markActive with a corrupted backup array", (Mutation) d -> d.markActive(4),
            (Mutation) d -> { }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mutations")
  void everyTornWriteRecoversToOldOrNew(String name, Mutation mutation, Mutation setup)
      throws IOException {
    MemoryBlockDevice start = TestDisks.memory();
    if (setup != null) {
      setup.apply(new GptDisk(start));
    }
    if (name.startsWith("repair")) {
      start.data[GptLayout.SECTOR + 40] ^= 0x10;
    }
    if (name.contains("corrupted backup array")) {
      start.data[start.data.length - GptLayout.SECTOR - 100] ^= 1;
    }
    byte[] old = start.data;
    List<GptEntry> oldTable = tableAfterRepair(old);

    MemoryBlockDevice full = new MemoryBlockDevice(old.clone());
    mutation.apply(new GptDisk(full));
    List<GptEntry> newTable = tableAfterRepair(full.data);
    assertThat(full.sectorsWritten).isGreaterThan(0);
    assertThat(full.forces).as("forces between the copies").isGreaterThanOrEqualTo(2);

    for (long budget = 0; budget < full.sectorsWritten; budget++) {
      MemoryBlockDevice torn = new MemoryBlockDevice(old.clone()).crashAfter(budget);
      assertThatThrownBy(() -> mutation.apply(new GptDisk(torn)))
          .as("crash after %d sectors", budget).hasMessageContaining("simulated power cut");
      List<GptEntry> recovered = tableAfterRepair(torn.data);
      assertThat(recovered).as("%s, torn after %d of %d sectors", name, budget,
          full.sectorsWritten).isIn(oldTable, newTable);
    }
  }

  private static List<GptEntry> tableAfterRepair(byte[] image) throws IOException {
    MemoryBlockDevice dev = new MemoryBlockDevice(image.clone());
    GptDisk disk = new GptDisk(dev);
    disk.repair();
    assertThat(disk.inspect().fullyValid()).isTrue();
    return disk.entries().stream().filter(GptEntry::used).toList();
  }
}
