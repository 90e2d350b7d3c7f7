package dev.turnout.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Timers on a {@link FakeClock}: tasks run, on the caller's thread, when {@link #advance} passes
 * their time. Sleeping records the wait and moves the clock at once.
 */
public final class FakeTimers implements Timers, Sleeper {
  private record Pending(Instant due, Runnable task, boolean[] cancelled) {}

  private final FakeClock clock;
  private final List<Pending> pending = new ArrayList<>();
  public final List<Duration> sleeps = new ArrayList<>();

  public FakeTimers(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized Task schedule(Duration delay, Runnable r) {
    if (delay.isNegative()) {
      throw new IllegalArgumentException("negative delay " + delay);
    }
    boolean[] cancelled = {false};
    pending.add(new Pending(clock.instant().plus(delay), r, cancelled));
    return () -> cancelled[0] = true;
  }

  /** The delays of the tasks still waiting, from now, soonest first. */
  public synchronized List<Duration> waiting() {
    return pending.stream().filter(p -> !p.cancelled()[0])
        .sorted(Comparator.comparing(Pending::due))
        .map(p -> Duration.between(clock.instant(), p.due())).toList();
  }

  /** Moves the clock by {@code d}, running each task that falls due, in time order. */
  public void advance(Duration d) {
    Instant end = clock.instant().plus(d);
    while (true) {
      Pending next;
      synchronized (this) {
        next = pending.stream().filter(p -> !p.due().isAfter(end))
            .min(Comparator.comparing(Pending::due)).orElse(null);
        if (next == null) {
          break;
        }
        pending.remove(next);
      }
      clock.advance(Duration.between(clock.instant(), next.due()).isNegative() ? Duration.ZERO
          : Duration.between(clock.instant(), next.due()));
      if (!next.cancelled()[0]) {
        next.task().run();
      }
    }
    clock.advance(Duration.between(clock.instant(), end));
  }

  @Override
  public void sleep(Duration d) {
    synchronized (this) {
      sleeps.add(d);
    }
    clock.advance(d);
  }
}
