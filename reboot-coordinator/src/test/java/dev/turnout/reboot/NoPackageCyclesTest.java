package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.turnout.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The build fails on a package cycle in this module's classes. */
class NoPackageCyclesTest {
  @Test
  void noPackageCycle() {
    assertThat(PackageCycles.graph(Path.of("target/classes"))).as("the graph jdeps sees")
        .containsKey("dev.turnout.reboot");
    PackageCycles.assertNone(Path.of("target/classes"));
  }
}
