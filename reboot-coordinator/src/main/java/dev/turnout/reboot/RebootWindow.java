package dev.turnout.reboot;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;

/**
 * locksmith's reboot window (spec 6): {@code START} is {@code HH:MM} (every day) or
 * {@code DAY HH:MM} (every week; DAY of sun..sat, any case), {@code LENGTH} a Go duration, under
 * a day (daily) or a week (weekly). In local time, as locksmith.
 */
record RebootWindow(Optional<DayOfWeek> day, LocalTime start, Duration length) {

  static RebootWindow parse(String start, String length) {
    String[] f = start.strip().split("\\s+");
    if (f.length < 1 || f.length > 2) {
      throw new IllegalArgumentException("reboot window start \"" + start + "\" is not"
          + " \"HH:MM\" or \"DAY HH:MM\"");
    }
    Optional<DayOfWeek> day = Optional.empty();
    if (f.length == 2) {
      day = Optional.of(day(f[0], start));
    }
    LocalTime t;
    try {
      String[] hm = f[f.length - 1].split(":");
      if (hm.length != 2) {
        throw new NumberFormatException();
      }
      t = LocalTime.of(Integer.parseInt(hm[0]), Integer.parseInt(hm[1]));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("reboot window start \"" + start + "\": \""
          + f[f.length - 1] + "\" is not a time of day HH:MM");
    }
    Duration d;
    try {
      d = GoDuration.parse(length.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("reboot window length: " + e.getMessage());
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("reboot window length \"" + length + "\" is negative");
    }
    Duration limit = day.isPresent() ? Duration.ofDays(7) : Duration.ofDays(1);
    if (d.compareTo(limit) >= 0) {
      throw new IllegalArgumentException("reboot window length \"" + length + "\" is not less"
          + " than " + (day.isPresent() ? "a week" : "a day"));
    }
    return new RebootWindow(day, t, d);
  }

  private static DayOfWeek day(String s, String start) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "sun" -> DayOfWeek.SUNDAY;
      case "mon" -> DayOfWeek.MONDAY;
      case "tue" -> DayOfWeek.TUESDAY;
      case "wed" -> DayOfWeek.WEDNESDAY;
      case "thu" -> DayOfWeek.THURSDAY;
      case "fri" -> DayOfWeek.FRIDAY;
      case "sat" -> DayOfWeek.SATURDAY;
      default -> throw new IllegalArgumentException("reboot window start \"" + start + "\": \""
          + s + "\" is not a day (sun, mon, tue, wed, thu, fri, sat)");
    };
  }

  /** The start of the window that is open at {@code now}, or else of the next one. */
  ZonedDateTime currentOrNextStart(ZonedDateTime now) {
    ZonedDateTime s = now.with(start).truncatedTo(ChronoUnit.MINUTES);
    if (day.isPresent()) {
      int back = (now.getDayOfWeek().getValue() - day.get().getValue() + 7) % 7;
      s = s.minusDays(back);
    }
    Duration period = day.isPresent() ? Duration.ofDays(7) : Duration.ofDays(1);
    while (s.isAfter(now)) {
      s = s.minus(period);
    }
    // s is the latest start at or before now: open if now is within length of it
    if (!now.isBefore(s.plus(length)) || length.isZero()) {
      s = s.plus(period);
    }
    return s;
  }

  /** How long until the window opens: zero when it is open at {@code now}. */
  Duration untilOpen(ZonedDateTime now) {
    ZonedDateTime s = currentOrNextStart(now);
    return s.isAfter(now) ? Duration.between(now, s) : Duration.ZERO;
  }

  @Override
  public String toString() {
    return (day.map(d -> d.name().substring(0, 3).toLowerCase(Locale.ROOT) + " ").orElse(""))
        + start + " for " + length;
  }
}
