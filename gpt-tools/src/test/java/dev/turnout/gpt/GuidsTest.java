package dev.turnout.gpt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class GuidsTest {
  @Test
  void storesFlatcarUsrTypeMixedEndian() {
    byte[] b = new byte[16];
    Guids.write(PartitionTypes.FLATCAR_USR, b, 0);
    assertThat(HexFormat.of().formatHex(b)).isEqualTo("f4f5fb5d4828ac4baa5e0d9a20b745a6");
    assertThat(Guids.read(b, 0)).isEqualTo(PartitionTypes.FLATCAR_USR);
  }

  @Test
  void printsUpperForShowAndLowerForNext() {
    assertThat(Guids.upper(TestDisks.USR_A)).isEqualTo("7130C94A-213A-4E5A-8E26-6CCE9662F132");
    assertThat(Guids.lower(TestDisks.USR_A)).isEqualTo("7130c94a-213a-4e5a-8e26-6cce9662f132");
  }

  @Test
  void parsesEitherCaseButOnlyTheCanonicalShape() {
    assertThat(Guids.parse("E03DD35C-7C2D-4A47-B3FE-27F15780A57C")).isEqualTo(TestDisks.USR_B);
    assertThatThrownBy(() -> Guids.parse("1-2-3-4-5")).hasMessageContaining("not a GUID");
  }
}
