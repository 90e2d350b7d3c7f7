package dev.turnout.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageCyclesTest {
  @Test
  void findsEveryCycleAndOnlyCycles() {
    Map<String, Set<String>> g = Map.of(
        "a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"),
        "d", Set.of("e"), "e", Set.of("d"), "f", Set.of("a"));
    assertThat(PackageCycles.cycles(g)).containsExactlyInAnyOrder(Set.of("a", "b", "c"),
        Set.of("d", "e"));
    assertThat(PackageCycles.cycles(Map.of("a", Set.of("b"), "b", Set.of()))).isEmpty();
  }
}
