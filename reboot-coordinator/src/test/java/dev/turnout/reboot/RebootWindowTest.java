package dev.turnout.reboot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;

class RebootWindowTest {
  static final ZonedDateTime WED_10 = ZonedDateTime.of(2026, 12, 2, 10, 0, 0, 0, ZoneOffset.UTC);

  @Test
  void goDurationsAsLocksmithReadsThem() {
    assertThat(GoDuration.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("300ms")).isEqualTo(Duration.ofMillis(300));
    assertThat(GoDuration.parse("0")).isZero();
    assertThat(GoDuration.parse("-2m")).isEqualTo(Duration.ofMinutes(-2));
    assertThatThrownBy(() -> GoDuration.parse("1 hour")).hasMessageContaining("time: ");
    assertThatThrownBy(() -> GoDuration.parse("90")).hasMessageContaining("time: ");
    assertThatThrownBy(() -> GoDuration.parse("")).hasMessageContaining("invalid duration");
  }

  @Test
  void aDailyWindow() {
    RebootWindow w = RebootWindow.parse("04:00", "1h");
    assertThat(w.untilOpen(WED_10)).isEqualTo(Duration.ofHours(18));
    assertThat(w.untilOpen(WED_10.withHour(4).withMinute(30))).isZero();
    assertThat(w.untilOpen(WED_10.withHour(5))).isEqualTo(Duration.ofHours(23));
    assertThat(w.untilOpen(WED_10.withHour(3).withMinute(59))).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aDailyWindowOverMidnight() {
    RebootWindow w = RebootWindow.parse("23:30", "1h");
    assertThat(w.untilOpen(WED_10.withHour(0).withMinute(15))).isZero();
    assertThat(w.untilOpen(WED_10.withHour(0).withMinute(31))).isEqualTo(Duration.ofMinutes(
        22 * 60 + 59));
  }

  @Test
  void aWeeklyWindow() {
    RebootWindow w = RebootWindow.parse("Thu 04:00", "2h");
    assertThat(w.untilOpen(WED_10)).isEqualTo(Duration.ofHours(18));
    assertThat(w.untilOpen(WED_10.plusDays(1).withHour(5))).isZero();
    assertThat(w.untilOpen(WED_10.plusDays(1).withHour(6))).isEqualTo(Duration.ofDays(7)
        .minusHours(2));
    assertThat(RebootWindow.parse("sun 01:00", "144h").untilOpen(WED_10)).isZero();
  }

  @Test
  void badValuesAreSaid() {
    assertThatThrownBy(() -> RebootWindow.parse("4 o'clock", "1h"))
        .hasMessageContaining("is not a day");
    assertThatThrownBy(() -> RebootWindow.parse("25:00", "1h"))
        .hasMessageContaining("is not a time of day");
    assertThatThrownBy(() -> RebootWindow.parse("04:00", "24h"))
        .hasMessageContaining("is not less than a day");
    assertThatThrownBy(() -> RebootWindow.parse("mon 04:00", "7d"))
        .hasMessageContaining("reboot window length");
    assertThatThrownBy(() -> RebootWindow.parse("04:00", "-1h"))
        .hasMessageContaining("is negative");
  }
}
