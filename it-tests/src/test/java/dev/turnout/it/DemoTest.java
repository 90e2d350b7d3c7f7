package dev.turnout.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The README's first command, as a new user runs it: the whole cycle, to its last line. */
class DemoTest {
  @Test
  void binDemoRunsTheWholeCycleToTheNewSlotMarkedGood() throws Exception {
    Proc.Result r = Proc.run(Duration.ofMinutes(5), Map.of(), Repo.bin("demo").toString());
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("USR-B is marked good")
        .containsPattern("marked \\S+ \\(USR-B\\) good")
        .contains("Done: 4081.2.0 -> 4152.2.0, and USR-A stays as the fallback");
  }
}
