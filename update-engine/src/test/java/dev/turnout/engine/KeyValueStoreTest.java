package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyValueStoreTest {
  @Test
  void parsesUpdateEnginesTestInputIntoTenKeys() {
    // simple_key_value_store_unittest.cc
    Map<String, String> m = KeyValueStore.parse("A=B\nC=\n=\nFOO=BAR=BAZ\nALIAS='my alias'\n"
        + "EMPTY=''\nD=\"\"\nTEST=\"this is a test\"\nBAR=BAX\nMISSING=NEWLINE");
    assertThat(m).hasSize(10).containsEntry("A", "B").containsEntry("C", "").containsEntry("", "")
        .containsEntry("FOO", "BAR=BAZ").containsEntry("ALIAS", "my alias")
        .containsEntry("EMPTY", "").containsEntry("D", "").containsEntry("TEST", "this is a test")
        .containsEntry("BAR", "BAX").containsEntry("MISSING", "NEWLINE");
  }

  @Test
  void keysAreNotTrimmedLaterDuplicatesWinAndOnlyMatchingQuotesGo() {
    Map<String, String> m = KeyValueStore.parse(
        "GROUP=alpha\n GROUP=beta\nGROUP=stable\nQ='half\"\nX= spaced \nno equals sign\n#C=1");
    assertThat(m).containsEntry("GROUP", "stable").containsEntry(" GROUP", "beta")
        .containsEntry("Q", "'half\"").containsEntry("X", " spaced ").containsEntry("#C", "1")
        .doesNotContainKey("no equals sign");
  }
}
