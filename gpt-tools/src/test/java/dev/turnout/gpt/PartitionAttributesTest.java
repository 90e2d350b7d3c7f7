package dev.turnout.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PartitionAttributesTest {
  @Test
  void packsPriorityTriesSuccessfulAsCgptDoes() {
    // Values measured with cgpt and sgdisk (spec gpt-and-cgpt.md section 2).
    assertThat(PartitionAttributes.of(9, 0, true).raw()).isEqualTo(0x0109000000000000L);
    assertThat(PartitionAttributes.of(10, 1, false).raw()).isEqualTo(0x001A000000000000L);
    assertThat(PartitionAttributes.of(1, 0, true).raw()).isEqualTo(0x0101000000000000L);
    assertThat(PartitionAttributes.of(2, 1, false).raw()).isEqualTo(0x0012000000000000L);
  }

  @Test
  void readsEachField() {
    PartitionAttributes a = new PartitionAttributes(0x01A5000000000005L);
    assertThat(a.priority()).isEqualTo(5);
    assertThat(a.tries()).isEqualTo(10);
    assertThat(a.successful()).isTrue();
    assertThat(a.legacyBootable()).isTrue();
    assertThat(a.required()).isTrue();
  }

  @Test
  void settersKeepEveryOtherBit() {
    long others = 0xF0F0_0000_0000_FFFAL & ~(0x1FFL << 48);
    PartitionAttributes a = new PartitionAttributes(others | 0x0107000000000000L);
    PartitionAttributes b = a.withPriority(2).withTries(1).withSuccessful(false);
    assertThat(b.raw() & ~(0x1FFL << 48)).isEqualTo(others);
    assertThat(b.raw() >>> 48 & 0x1FF).isEqualTo(0x012);
    assertThat(a.withLegacyBootable(false).raw()).isEqualTo(a.raw() & ~4L);
    assertThat(a.withRequired(false).raw()).isEqualTo(a.raw() & ~1L);
    assertThat(new PartitionAttributes(-1L).withPriority(0).raw()).isEqualTo(~(0xFL << 48));
  }

  @Test
  void rejectsOutOfRangeNibbles() {
    assertThatThrownBy(() -> PartitionAttributes.NONE.withTries(16))
        .hasMessage("tries must be between 0 and 15, not 16");
    assertThatThrownBy(() -> PartitionAttributes.NONE.withPriority(-1))
        .hasMessage("priority must be between 0 and 15, not -1");
  }

  @Test
  void bootableFollowsGptprio() {
    assertThat(PartitionAttributes.of(1, 0, true).bootable()).isTrue();
    assertThat(PartitionAttributes.of(2, 1, false).bootable()).isTrue();
    assertThat(PartitionAttributes.of(2, 0, false).bootable()).isFalse();
    assertThat(PartitionAttributes.of(0, 3, true).bootable()).isFalse();
  }
}
