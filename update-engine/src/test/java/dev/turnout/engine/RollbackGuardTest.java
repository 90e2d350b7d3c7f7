package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RollbackGuardTest {
  @TempDir Path dir;
  Instant now = Instant.parse("2026-11-22T00:00:00Z");

  private RollbackGuard at(Instant t) {
    return new RollbackGuard(new Prefs(dir), Clock.fixed(t, ZoneOffset.UTC));
  }

  @Test
  void aVersionThatRolledBackWaitsLongerEachTimeThenIsGivenUp() throws Exception {
    at(now).installed("3900.0.0");
    at(now).rolledBack("3815.2.0", false);
    assertThat(at(now).refusal("3900.0.0")).get().asString()
        .contains("rolled back 1 time(s)").contains("not reinstalling it before 2026-11-23T00:00:00Z");
    assertThat(at(now).refusal("3950.0.0")).as("another version is fine").isEmpty();
    Instant day = now.plus(Duration.ofHours(25));
    assertThat(at(day).refusal("3900.0.0")).isEmpty();

    at(day).installed("3900.0.0");
    at(day).rolledBack("3815.2.0", false);
    assertThat(at(day.plus(Duration.ofHours(47))).refusal("3900.0.0")).isPresent();
    assertThat(at(day.plus(Duration.ofHours(49))).refusal("3900.0.0")).isEmpty();

    at(day).installed("3900.0.0");
    at(day).rolledBack("3815.2.0", false);
    assertThat(at(day.plus(Duration.ofDays(365))).refusal("3900.0.0")).get().asString()
        .contains("rolled back 3 times").contains("will not be installed again");
  }

  @Test
  void aRollbackWithoutAnInstalledVersionRecordsNothing() throws Exception {
    at(now).rolledBack("3815.2.0", false);
    assertThat(at(now).refusal("3815.2.0")).isEmpty();
  }

  @Test
  void aRollbackTimeFromTheFarFutureIsTakenAsNow() throws Exception {
    Instant t = Instant.parse("2026-06-01T00:00:00Z");
    RollbackGuard g = at(t);
    g.installed("2.0.0");
    g.rolledBack("1.0.0", false);
    new Prefs(dir).setString(PrefKeys.ROLLBACK_TIME, "99999999999999999");
    assertThat(g.refusal("2.0.0")).hasValueSatisfying(why -> assertThat(why)
        .contains("not reinstalling it before 2026-06-02T00:00:00Z"));
    assertThat(at(t.plus(java.time.Duration.ofHours(25))).refusal("2.0.0")).isEmpty();
  }
}
