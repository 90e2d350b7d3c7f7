package dev.turnout.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that starts at an arbitrary instant and moves only when told. */
public final class FakeClock extends Clock {
  private Instant now;

  public FakeClock() {
    this(Instant.parse("2026-03-14T09:26:53Z"));
  }

  public FakeClock(Instant start) {
    this.now = start;
  }

  public synchronized void advance(Duration d) {
    now = now.plus(d);
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a fake clock has one zone");
  }
}
