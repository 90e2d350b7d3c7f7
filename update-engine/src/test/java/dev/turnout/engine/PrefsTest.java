package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrefsTest {
  @TempDir Path dir;

  @Test
  void oneFilePerKeyIntegersAsBareDecimalText() throws Exception {
    Prefs p = new Prefs(dir.resolve("prefs"));
    p.setLong("payload-attempt-number", Long.MIN_VALUE);
    assertThat(dir.resolve("prefs/payload-attempt-number")).hasContent("-9223372036854775808");
    assertThat(p.getLong("payload-attempt-number")).hasValue(Long.MIN_VALUE);
    p.setLong("max", Long.MAX_VALUE);
    assertThat(p.getLong("max")).hasValue(Long.MAX_VALUE);
    Files.writeString(dir.resolve("prefs/spaced"), "  42 \n");
    assertThat(p.getLong("spaced")).as("read back trimmed, as update_engine").hasValue(42L);
    Files.writeString(dir.resolve("prefs/junk"), "4x2");
    assertThat(p.getLong("junk")).isEmpty();
    assertThat(p.getString("absent")).isEmpty();
    p.setString("previous-version", "");
    assertThat(p.getString("previous-version")).hasValue("");
  }

  @Test
  void writesLeaveNoTemporaryFilesAndReplaceAtomically() throws Exception {
    Prefs p = new Prefs(dir);
    for (int i = 0; i < 20; i++) {
      p.setString("full-response", "<response " + i + "/>");
    }
    try (var s = Files.list(dir)) {
      assertThat(s.map(f -> f.getFileName().toString())).containsExactly("full-response");
    }
    assertThat(p.getString("full-response")).hasValue("<response 19/>");
    p.delete("full-response");
    assertThat(p.exists("full-response")).isFalse();
  }

  @Test
  void keysAreRestrictedToUpdateEnginesCharset() {
    Prefs p = new Prefs(dir);
    assertThatThrownBy(() -> p.setString("../escape", "x")).hasMessageContaining("invalid pref key");
    assertThatThrownBy(() -> p.getString("a b")).hasMessageContaining("invalid pref key");
    assertThatThrownBy(() -> p.setString("", "x")).hasMessageContaining("invalid pref key");
  }

  @Test
  void aNumberOutsideItsRangeIsClampedNeverTrusted() throws Exception {
    Prefs p = new Prefs(dir.resolve("clamped"));
    p.setString("payload-attempt-number", "-1");
    assertThat(p.getLong("payload-attempt-number", 0, 0, 1000)).isZero();
    p.setString("turnout-rollback-time", "99999999999999999");
    assertThat(p.getLong("turnout-rollback-time", 0, 0, 4_000_000_000L)).isEqualTo(4_000_000_000L);
    p.setString("current-url-index", "x");
    assertThat(p.getLong("current-url-index", 7, 0, 10)).isEqualTo(7);
    assertThat(p.getLong("absent", 3, 0, 10)).isEqualTo(3);
  }

  @Test
  void aPrefThatIsADirectoryIsAbsentAndReplacedNeverFatal() throws Exception {
    Prefs p = new Prefs(dir.resolve("broken"));
    java.nio.file.Files.createDirectories(dir.resolve("broken/previous-version/sub"));
    assertThat(p.getString("previous-version")).isEmpty();
    p.setString("previous-version", "1.0.0");
    assertThat(p.getString("previous-version")).hasValue("1.0.0");
    assertThat(dir.resolve("broken/previous-version")).isRegularFile();
  }

  @org.junit.jupiter.api.Test
  void aWriteIsNotCutShortByAnInterruptWhichIsKeptForAfter(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
    Prefs p = new Prefs(tmp);
    Thread.currentThread().interrupt(); // as a stopping daemon's shutdownNow does
    try {
      p.setString("turnout-new-version", "9.9.9");
      org.assertj.core.api.Assertions.assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    org.assertj.core.api.Assertions.assertThat(p.getString("turnout-new-version"))
        .hasValue("9.9.9");
  }
}
