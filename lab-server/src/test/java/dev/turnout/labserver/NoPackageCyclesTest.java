package dev.turnout.labserver;

import dev.turnout.testing.PackageCycles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The build fails on a package cycle in this module's classes. */
class NoPackageCyclesTest {
  @Test
  void noPackageCycle() {
    PackageCycles.assertNone(Path.of("target/classes"));
  }
}
