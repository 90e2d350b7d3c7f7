package dev.turnout.gpt;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.UUID;

/**
 * Fuzzes the GPT reader and repair from a valid Flatcar-shaped table with bytes of the headers and
 * arrays overwritten: every disk must be read or refused with a {@link GptException}, nothing else,
 * and a repair that succeeds must leave a fully valid table. In a normal build this runs over the
 * stored corpus; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class GptReaderFuzzTest {
  private static final int SECTORS = 200;
  private static final byte[] VALID = valid();

  private static byte[] valid() {
    MemoryBlockDevice dev = new MemoryBlockDevice(new byte[SECTORS * GptLayout.SECTOR]);
    try {
      GptDisk d = new GptDisk(dev);
      d.create(UUID.fromString("00000000-0000-0000-0000-000000000001"));
      d.add(new PartitionSpec(3, 34L, 60L, PartitionTypes.FLATCAR_USR, null, "USR-A", null, true,
          null, 1, null));
      d.add(new PartitionSpec(4, 94L, 60L, PartitionTypes.FLATCAR_USR, null, "USR-B", null, null,
          null, null, null));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return dev.data;
  }

  @FuzzTest(maxDuration = "30s")
  void anyDamageIsReadOrRefusedCleanly(FuzzedDataProvider in) throws IOException {
    byte[] disk = VALID.clone();
    int edits = in.consumeInt(0, 48);
    for (int i = 0; i < edits; i++) {
      int off = switch (in.consumeInt(0, 4)) {
        case 0 -> 512 + in.consumeInt(0, 91);               // primary header
        case 1 -> 1024 + in.consumeInt(0, 2 * 128 + 255);   // first primary entries
        case 2 -> disk.length - 512 + in.consumeInt(0, 91); // backup header
        case 3 -> disk.length - 33 * 512 + in.consumeInt(0, 511); // backup entries
        default -> in.consumeInt(0, disk.length - 1);
      };
      disk[off] = in.consumeByte();
    }
    GptDisk d = new GptDisk(new MemoryBlockDevice(disk));
    try {
      GptInspection g = d.inspect();
      if (g.sanity() == GptError.SUCCESS) {
        d.entries();
        d.nextBoot();
        d.repair();
        if (!d.inspect().fullyValid()) {
          throw new AssertionError("a successful repair left an invalid table");
        }
        d.selectNext();
      }
    } catch (GptException e) {
      // refused with a reason
    }
  }
}
