package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's table and payload-format's subset say the same of every payload code. */
class ErrorCodeTest {
  @Test
  void everyPayloadCodeIsTheEnginesCodeOfTheSameNameAndNumber() {
    for (dev.turnout.payload.ErrorCode p : dev.turnout.payload.ErrorCode.values()) {
      ErrorCode e = ErrorCode.of(p);
      assertThat(e.name()).isEqualTo(p.name());
      assertThat(e.code).isEqualTo(p.code);
    }
  }

  @Test
  void numbersAreUniqueAndTheWireTableHoldsItsLandmarks() {
    Set<Integer> seen = new HashSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      assertThat(seen.add(c.code)).as("%s's number", c).isTrue();
    }
    assertThat(ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY.code).isEqualTo(36);
    assertThat(ErrorCode.ROLLBACK_ERROR.code).isEqualTo(44);
    assertThat(ErrorCode.httpCode(503)).isEqualTo(2503);
    assertThat(ErrorCode.of(67)).hasValue(ErrorCode.BOOT_HEALTH_FAILED);
  }
}
