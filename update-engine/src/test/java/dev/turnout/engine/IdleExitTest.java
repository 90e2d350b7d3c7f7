package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleExitTest {
  final FakeClock clock = new FakeClock();
  final FakeTimers timers = new FakeTimers(clock);
  final AtomicBoolean attempting = new AtomicBoolean();
  final AtomicBoolean unsettled = new AtomicBoolean(true);
  final AtomicBoolean pending = new AtomicBoolean();
  final AtomicLong lastCall = new AtomicLong();
  final AtomicInteger exits = new AtomicInteger();

  private long nanos() {
    return clock.millis() * 1_000_000L;
  }

  private IdleExit idleExit() {
    lastCall.set(nanos());
    return new IdleExit(Duration.ofSeconds(60), timers, new IdleExit.Work() {
      @Override
      public boolean attempting() {
        return attempting.get();
      }

      @Override
      public boolean unsettled() {
        return unsettled.get();
      }

      @Override
      public boolean checkPending() {
        return pending.get();
      }

      @Override
      public long lastCallNanos() {
        return lastCall.get();
      }
    }, this::nanos, exits::incrementAndGet);
  }

  @Test
  void itExitsOnlyAfterAFullIntervalWithNothingToDo() {
    idleExit().start();
    timers.advance(Duration.ofMinutes(5));
    assertThat(exits).as("the boot is not settled").hasValue(0);
    unsettled.set(false);
    attempting.set(true);
    timers.advance(Duration.ofMinutes(5));
    assertThat(exits).as("an attempt is under way").hasValue(0);
    attempting.set(false);
    timers.advance(Duration.ofSeconds(45));
    assertThat(exits).as("idle for less than the interval").hasValue(0);
    lastCall.set(nanos()); // a D-Bus call: the interval starts again
    timers.advance(Duration.ofSeconds(45));
    assertThat(exits).hasValue(0);
    timers.advance(Duration.ofSeconds(30));
    assertThat(exits).hasValue(1);
    timers.advance(Duration.ofMinutes(5));
    assertThat(exits).as("once").hasValue(1);
  }

  @Test
  void aCheckWaitingOnTheTimersKeepsItUp() {
    unsettled.set(false);
    pending.set(true);
    idleExit().start();
    timers.advance(Duration.ofMinutes(10));
    assertThat(exits).hasValue(0);
    pending.set(false);
    timers.advance(Duration.ofSeconds(75));
    assertThat(exits).hasValue(1);
  }
}
