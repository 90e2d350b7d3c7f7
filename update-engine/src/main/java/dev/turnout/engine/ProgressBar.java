package dev.turnout.engine;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/** A one-line progress bar for {@code -update} on a terminal: bytes, rate and time left. */
final class ProgressBar {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private final LongSupplier nanos;
  private final long start;
  private double lastProgress;

  ProgressBar(PrintStream out, LongSupplier nanos) {
    this.out = out;
    this.nanos = nanos;
    this.start = nanos.getAsLong();
  }

  void update(Manager.Status<?, ?, ?, ?, ?> s) {
    out.print("\r" + render(s, (nanos.getAsLong() - start) / 1e9) + "\u001b[K");
    out.flush();
    lastProgress = s.getProgress();
  }

  /** The line for a status after {@code seconds}; the rate is the average since the start. */
  static String render(Manager.Status<?, ?, ?, ?, ?> s, double seconds) {
    String op = s.getCurrentOperation().replace("UPDATE_STATUS_", "");
    if (UpdateStatus.parse(s.getCurrentOperation()).orElse(null) != UpdateStatus.DOWNLOADING) {
      return op + (s.getNewVersion().equals("0.0.0") ? "" : " " + s.getNewVersion());
    }
    double p = Math.max(0, Math.min(1, s.getProgress()));
    int filled = (int) Math.round(p * WIDTH);
    double done = p * s.getNewSize();
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = rate > 0 ? clock((s.getNewSize() - done) / rate) : "--:--";
    return String.format(Locale.ROOT, "[%s%s] %3.0f%%  %s / %s  %s/s  ETA %s  %s",
        "#".repeat(filled), ".".repeat(WIDTH - filled), p * 100, size(done),
        size(s.getNewSize()), size(rate), eta, s.getNewVersion());
  }

  /** Clears the bar and prints {@code finalLines} (the client's status lines) in its place. */
  void finish(String finalLines) {
    out.print("\r\u001b[K");
    out.print(finalLines);
    out.flush();
  }

  static String size(double bytes) {
    if (bytes >= 1 << 30) {
      return String.format(Locale.ROOT, "%.1f GiB", bytes / (1 << 30));
    }
    if (bytes >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1 << 20));
    }
    return String.format(Locale.ROOT, "%.0f KiB", bytes / 1024);
  }

  static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
