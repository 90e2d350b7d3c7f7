package dev.turnout.engine;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The engine's status and who hears of it. Every change is a signal; download progress is one only
 * on each 1 % of progress, every 10 s, and at 100 %, as update_engine throttles it. Listeners are
 * called outside the lock, on the thread that made the change.
 */
final class StatusBoard {
  private final Clock clock;
  private final List<StatusListener> listeners = new CopyOnWriteArrayList<>();
  private EngineStatus status;
  private long lastNotifiedMillis;
  private double lastNotifiedProgress;

  StatusBoard(EngineStatus initial, Clock clock) {
    this.status = initial;
    this.clock = clock;
  }

  void addListener(StatusListener l) {
    listeners.add(l);
  }

  synchronized EngineStatus get() {
    return status;
  }

  /** Sets the status and signals it. */
  void set(EngineStatus s) {
    synchronized (this) {
      status = s;
      lastNotifiedProgress = s.progress();
      lastNotifiedMillis = clock.millis();
    }
    notifyAll(s);
  }

  /** Sets the status without a signal (ResetStatus, as update_engine, sends none). */
  synchronized void setQuietly(EngineStatus s) {
    status = s;
  }

  /**
   * Moves from {@code expected} to {@code change(current)} atomically: true (and a signal) when
   * the status was {@code expected}; false, and nothing changed, otherwise.
   */
  boolean transition(UpdateStatus expected, UnaryOperator<EngineStatus> change) {
    EngineStatus next;
    synchronized (this) {
      if (status.operation() != expected) {
        return false;
      }
      next = change.apply(status);
      status = next;
      lastNotifiedProgress = next.progress();
      lastNotifiedMillis = clock.millis();
    }
    notifyAll(next);
    return true;
  }

  /** DOWNLOADING at {@code bytes} of {@code total}. */
  void progress(long bytes, long total) {
    double progress = total > 0 ? Math.min(1.0, (double) bytes / total) : 0.0;
    EngineStatus next;
    synchronized (this) {
      long now = clock.millis();
      boolean notify = status.operation() != UpdateStatus.DOWNLOADING
          || progress - lastNotifiedProgress >= 0.01 || now - lastNotifiedMillis >= 10_000
          || (progress >= 1.0 && lastNotifiedProgress < 1.0);
      next = new EngineStatus(status.lastCheckedTime(), progress, UpdateStatus.DOWNLOADING,
          status.newVersion(), status.newSize());
      status = next;
      if (!notify) {
        return;
      }
      lastNotifiedProgress = progress;
      lastNotifiedMillis = now;
    }
    notifyAll(next);
  }

  private void notifyAll(EngineStatus s) {
    for (StatusListener l : listeners) {
      l.statusChanged(s);
    }
  }
}
