package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Runs one attempt of an attempter to its end, as the tests wait for it. */
public final class Attempts {
  private static final Set<UpdateStatus> SETTLED = EnumSet.of(UpdateStatus.IDLE,
      UpdateStatus.UPDATED_NEED_REBOOT);

  private Attempts() {}

  /**
   * Starts a check ({@code interactive} as a D-Bus call makes it, else as the scheduler) and
   * waits for it to end; returns the final status.
   */
  public static EngineStatus run(UpdateAttempter a, boolean interactive) throws Exception {
    java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
    CountDownLatch settled = new CountDownLatch(1);
    a.onEnded(e -> {
      ended.set(true);
      if (e.outcome().result() == AttemptOutcome.Result.NONE) {
        settled.countDown(); // a ping: no attempt, no status change to wait for
      }
    });
    // Status listeners run in the order they were added: this one after every listener the
    // test wired before (a monitor writing its files, say).
    a.addListener(s -> {
      if (ended.get() && SETTLED.contains(s.operation())) {
        settled.countDown();
      }
    });
    assertThat(a.attemptUpdate(interactive)).as("an attempt started").isTrue();
    assertThat(settled.await(30, TimeUnit.SECONDS)).as("the attempt ended").isTrue();
    return a.status();
  }
}
