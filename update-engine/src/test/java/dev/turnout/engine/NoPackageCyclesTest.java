package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.PackageCycles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The build fails on a package cycle in this module's classes, or a stage that reads prefs. */
class NoPackageCyclesTest {
  @Test
  void noPackageCycle() {
    assertThat(PackageCycles.graph(Path.of("target/classes"))).as("the graph jdeps sees")
        .containsKey("dev.turnout.engine.stages");
    PackageCycles.assertNone(Path.of("target/classes"));
  }

  @Test
  void stateIsKeptOnlyThroughTheRecord() {
    Map<String, Set<String>> graph = PackageCycles.graph(Path.of("target/classes"));
    assertThat(graph.get("dev.turnout.engine.stages")).as("what the stages use")
        .contains("dev.turnout.engine.state");
    assertThat(graph.get("dev.turnout.engine.attempt")).as("what the attempter uses")
        .contains("dev.turnout.engine.state");
    // prefs is the record's storage: only the record and the composition root (which makes it)
    // may touch it.
    assertThat(graph.entrySet().stream().filter(e -> e.getValue().contains(
        "dev.turnout.engine.prefs")).map(Map.Entry::getKey)).as("packages using prefs")
        .containsExactlyInAnyOrder("dev.turnout.engine", "dev.turnout.engine.state");
  }
}
