package dev.turnout.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Flatcar update cycle on the GPT, asserted on the attribute bytes of both copies at every step
 * (spec gpt-and-cgpt.md section 3: fresh A=P1/T0/S1, B=0; postinst(B); boot; fallback or mark good).
 */
class AbCycleTest {
  private MemoryBlockDevice dev;
  private GptDisk disk;

  @BeforeEach
  void freshImage() throws IOException {
    dev = TestDisks.memory();
    disk = new GptDisk(dev);
  }

  private void assertAttributes(long usrA, long usrB) {
    for (boolean backup : new boolean[] {false, true}) {
      assertThat(TestDisks.rawAttributes(dev.data, backup, 3)).as("USR-A, backup=" + backup)
          .isEqualTo(usrA);
      assertThat(TestDisks.rawAttributes(dev.data, backup, 4)).as("USR-B, backup=" + backup)
          .isEqualTo(usrB);
    }
  }

  @Test
  void freshImageBootsUsrA() {
    assertAttributes(0x0101000000000000L, 0);
  }

  @Test
  void newPartitionBootsOnceThenFallsBackWhenNeverMarkedGood() throws IOException {
    disk.markActive(4);
    assertAttributes(0x0101000000000000L, 0x0012000000000000L); // B: P2 T1 S0

    assertThat(disk.selectNext()).get().extracting(GptEntry::unique).isEqualTo(TestDisks.USR_B);
    assertAttributes(0x0101000000000000L, 0x0002000000000000L); // tries 1 -> 0

    assertThat(disk.selectNext()).get().extracting(GptEntry::unique).isEqualTo(TestDisks.USR_A);
    assertAttributes(0x0101000000000000L, 0x0002000000000000L); // nothing to decrement
  }

  @Test
  void healthyBootIsMarkedGoodAndStays() throws IOException {
    disk.markActive(4);
    assertThat(disk.selectNext()).get().extracting(GptEntry::number).isEqualTo(4);
    disk.markGood(4);
    assertAttributes(0x0101000000000000L, 0x0102000000000000L); // B: P2 T0 S1, A: P1
    assertThat(disk.selectNext()).get().extracting(GptEntry::number).isEqualTo(4);
    assertAttributes(0x0101000000000000L, 0x0102000000000000L);

    // The next update goes to A, which then outranks B.
    disk.markActive(3);
    assertAttributes(0x0012000000000000L, 0x0101000000000000L);
  }

  @Test
  void selectNextNeverBootsPriorityZeroOrExhaustedPartitions() throws IOException {
    disk.add(PartitionSpec.attributes(3, false, 0, 1));
    disk.add(PartitionSpec.attributes(4, true, null, 0));
    byte[] before = dev.data.clone();
    assertThat(disk.selectNext()).isEmpty();
    assertThat(dev.data).isEqualTo(before);
  }

  @Test
  void selectNextBreaksTiesTowardTheLowerNumber() throws IOException {
    disk.add(PartitionSpec.attributes(4, true, null, 1));
    assertThat(disk.selectNext()).get().extracting(GptEntry::number).isEqualTo(3);
  }

  @Test
  void cgptNextFallsBackToTheFirstUsrPartitionAsSeismographDoes() throws IOException {
    disk.add(PartitionSpec.attributes(3, false, 0, 1));
    assertThat(disk.cgptNext()).get().extracting(GptEntry::number).isEqualTo(3);
  }

  @Test
  void markActiveRefusesAPartitionThatIsNotUsr() {
    byte[] before = dev.data.clone();
    assertThatThrownBy(() -> disk.markActive(1)).isInstanceOf(GptException.class)
        .hasMessage("partition 1 is not a Flatcar root");
    assertThatThrownBy(() -> disk.markGood(9)).hasMessage("partition 9 is not a Flatcar root");
    assertThat(dev.data).isEqualTo(before);
  }

  @Test
  void markActiveRepairsADamagedCopyFirst() throws IOException {
    dev.data[GptLayout.SECTOR + 60] ^= 1; // break the primary header's CRC
    disk.markActive(4);
    GptInspection g = disk.inspect();
    assertThat(g.fullyValid()).isTrue();
    assertAttributes(0x0101000000000000L, 0x0012000000000000L);
  }

  @Test
  void prioritizeMatchesCgptOnMeasuredExamples() throws IOException {
    // Measured with cgpt (spec section 2): 5,5,3,0 -> 2,2,1,0 -> -i 4: 2,2,1,3
    // -> -i 3 -f: 1,1,3,2 -> -i 1 -f -P 15: 15,15,14,13.
    MemoryBlockDevice d = new MemoryBlockDevice(new byte[(int) TestDisks.SECTORS * 512]);
    GptDisk g = new GptDisk(d);
    g.create(TestDisks.DISK);
    int[] start = {5, 5, 3, 0};
    for (int i = 0; i < 4; i++) {
      g.add(new PartitionSpec(i + 1, 2048L + i * 2048, 2048L, PartitionTypes.FLATCAR_USR, null,
          "P" + i, null, null, null, start[i], null));
    }
    g.prioritize(0, false, 0);
    assertThat(priorities(g)).containsExactly(2, 2, 1, 0);
    g.prioritize(4, false, 0);
    assertThat(priorities(g)).containsExactly(2, 2, 1, 3);
    g.prioritize(3, true, 0);
    assertThat(priorities(g)).containsExactly(1, 1, 3, 2);
    g.prioritize(1, true, 15);
    assertThat(priorities(g)).containsExactly(15, 15, 14, 13);
  }

  private static int[] priorities(GptDisk g) throws IOException {
    return g.entries().stream().limit(4).mapToInt(e -> e.attributes().priority()).toArray();
  }
}
