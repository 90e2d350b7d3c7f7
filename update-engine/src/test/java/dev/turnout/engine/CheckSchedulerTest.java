package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** update_check_scheduler_unittest.cc's interval arithmetic. */
class CheckSchedulerTest {
  private static CheckScheduler scheduler(long seed) {
    return new CheckScheduler((d, r) -> () -> { }, new Random(seed), null,
        java.time.Clock.systemUTC());
  }

  @Test
  void fuzzIsUniformInUpdateEnginesRange() {
    Random r = new Random(3);
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int i = 0; i < 20_000; i++) {
      long v = CheckScheduler.fuzz(r, 420, 600);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    assertThat(min).isEqualTo(120L);
    assertThat(max).isEqualTo(720L);
  }

  @Test
  void periodicChecksEvery40To50Minutes() {
    CheckScheduler s = scheduler(1);
    for (int i = 0; i < 200; i++) {
      assertThat(s.nextInterval(0, OptionalInt.empty()).toSeconds()).isBetween(2400L, 3000L);
    }
  }

  @Test
  void pollIntervalIsHonouredButNeverBelow45Minutes() {
    CheckScheduler s = scheduler(2);
    for (int i = 0; i < 100; i++) {
      assertThat(s.nextInterval(0, OptionalInt.of(7200)).toSeconds()).isBetween(3600L, 10800L);
      assertThat(s.nextInterval(0, OptionalInt.of(60)).toSeconds()).isBetween(2400L, 3000L);
    }
  }

  @Test
  void serverErrorsDoubleTheIntervalUpToFourHours() {
    CheckScheduler s = scheduler(3);
    long[] base = {5400, 10800, 14400, 14400};
    for (long b : base) {
      long next = s.nextInterval(503, OptionalInt.empty()).toSeconds();
      assertThat(next).isBetween(b - b / 2, b + b - b / 2);
    }
    assertThat(s.nextInterval(0, OptionalInt.empty()).toSeconds()).isBetween(2400L, 3000L);
  }

  @Test
  void aHugePollIntervalIsAWeekNotANegativeWait() {
    CheckScheduler s = new CheckScheduler(null, new java.util.Random(1), null,
        java.time.Clock.systemUTC());
    for (int i = 0; i < 100; i++) {
      long next = s.nextInterval(0, OptionalInt.of(Integer.MAX_VALUE)).toSeconds();
      assertThat(next).isBetween(CheckScheduler.MAX_POLL / 2L, CheckScheduler.MAX_POLL * 3L / 2);
    }
  }

  @Test
  void aKeptNextCheckFarInTheFutureIsNotBelievedAndChecksResume() throws Exception {
    // A clock that was years ahead when the time was kept: without a bound, every activation
    // would say "due in 2305928280 s" and never check again.
    FakeNode node = new FakeNode(dir);
    long now = node.clock.instant().getEpochSecond();
    node.prefs.setLong("turnout-next-check-time", now + 2_305_928_280L);
    CheckScheduler s = new CheckScheduler(node.timers, new Random(3),
        node.attempter(node.stages()), node.record, node.clock);
    s.start(java.time.Duration.ofSeconds(5));
    assertThat(s.checkPending()).as("a check is scheduled").isTrue();
    assertThat(node.timers.waiting()).contains(java.time.Duration.ofSeconds(5));
  }

  @Test
  void aKeptNextCheckWithinTheLongestIntervalIsWaitedFor() throws Exception {
    FakeNode node = new FakeNode(dir);
    long now = node.clock.instant().getEpochSecond();
    node.prefs.setLong("turnout-next-check-time", now + 45 * 60);
    CheckScheduler s = new CheckScheduler(node.timers, new Random(3),
        node.attempter(node.stages()), node.record, node.clock);
    s.start(java.time.Duration.ofSeconds(5));
    assertThat(s.checkPending()).isFalse();
  }

  @Test
  void theBackoffAgainstAFailingServerGoesOnAcrossDaemons() throws Exception {
    FakeNode node = new FakeNode(dir);
    CheckScheduler fresh = new CheckScheduler(node.timers, new Random(3), null, node.record,
        node.clock);
    long first = fresh.nextInterval(503, OptionalInt.empty()).toSeconds();
    assertThat(first).isBetween(45 * 60L, 135 * 60L); // 90 min +- 45
    // The daemon exits idle with 90 min kept; the next one doubles it again.
    node.prefs.setLong("turnout-check-interval", 90 * 60);
    CheckScheduler next = new CheckScheduler(node.timers, new Random(3), null, node.record,
        node.clock);
    assertThat(next.nextInterval(503, OptionalInt.empty()).toSeconds())
        .isBetween(90 * 60L, 270 * 60L); // 180 min +- 90
  }

  @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir;
}
