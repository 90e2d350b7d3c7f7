package dev.turnout.engine;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** {@link Timers} on one daemon thread, and {@link Sleeper} as {@link Thread#sleep}. */
final class RealTimers implements Timers, Sleeper, AutoCloseable {
  private final ScheduledExecutorService exec = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "timers");
    t.setDaemon(true);
    return t;
  });

  @Override
  public Task schedule(Duration delay, Runnable r) {
    try {
      ScheduledFuture<?> f = exec.schedule(r, delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> f.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {}; // closed: the daemon is stopping, nothing more will run
    }
  }

  @Override
  public void sleep(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  @Override
  public void close() {
    exec.shutdownNow();
  }
}
