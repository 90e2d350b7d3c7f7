package dev.turnout.engine;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the node's update engine says to monitoring at one moment, and its two renderings: the
 * key=value status file ({@code /run/update-engine/status}) and node_exporter's textfile format.
 *
 * @param status what {@code GetStatus} says
 * @param version the running version
 * @param group the update group (channel)
 * @param stagedVersion the version installed and waiting for its reboot, or empty
 * @param lastError the last failed attempt, however long ago, or {@link AttemptOutcome#NONE}
 * @param tally the running totals
 * @param slots both USR partitions as the GPT says now (empty when the disk cannot be read)
 * @param extensions each wanted extension's state for the booted version
 * @param nextVersion the version whose extensions are being fetched or are in place, or empty
 * @param nextExtensions each wanted extension's state for {@code nextVersion}
 */
record NodeReport(EngineStatus status, String version, String group, String stagedVersion,
    AttemptOutcome lastError, AttemptRecord.Tally tally, List<Slot> slots,
    Map<String, String> extensions, String nextVersion, Map<String, String> nextExtensions) {

  /** One USR partition. */
  public record Slot(String name, String label, int partition, int priority, int tries,
      boolean successful, boolean booted, boolean nextBoot) {}

  public boolean rebootPending() {
    return status.operation() == UpdateStatus.UPDATED_NEED_REBOOT;
  }

  /**
   * The status file: {@code KEY=value} lines, values quoted as in os-release when they hold
   * anything but letters, digits and {@code ._:/+-} (so a shell can source it and a person can
   * read it), never more than one line each.
   */
  public String statusFile() {
    StringBuilder b = new StringBuilder();
    kv(b, "STATUS", status.operation().wireName());
    kv(b, "CURRENT_VERSION", version);
    kv(b, "GROUP", group);
    kv(b, "NEW_VERSION", status.newVersion());
    kv(b, "STAGED_VERSION", stagedVersion);
    kv(b, "REBOOT_PENDING", rebootPending() ? "1" : "0");
    kv(b, "LAST_CHECKED_TIME", Long.toString(status.lastCheckedTime()));
    kv(b, "LAST_SUCCESS_TIME", Long.toString(tally.lastSuccessTime()));
    boolean failed = lastError.result() == AttemptOutcome.Result.ERROR;
    kv(b, "LAST_ERROR_CODE", Integer.toString(failed ? lastError.wireCode() : 0));
    kv(b, "LAST_ERROR_NAME", failed ? lastError.codeName() : "");
    kv(b, "LAST_ERROR_MESSAGE", failed ? lastError.message() : "");
    kv(b, "LAST_ERROR_TIME", Long.toString(failed ? lastError.time() : 0));
    kv(b, "ATTEMPTS", Long.toString(tally.attempts()));
    kv(b, "FAILURES", Long.toString(failures()));
    kv(b, "DOWNLOADED_BYTES", Long.toString(tally.bytesDownloaded()));
    for (Slot s : slots) {
      String p = "SLOT_" + s.name() + "_";
      kv(b, p + "PARTITION", Integer.toString(s.partition()));
      kv(b, p + "PRIORITY", Integer.toString(s.priority()));
      kv(b, p + "TRIES", Integer.toString(s.tries()));
      kv(b, p + "SUCCESSFUL", s.successful() ? "1" : "0");
    }
    kv(b, "BOOTED_SLOT", slots.stream().filter(Slot::booted).map(Slot::name).findFirst()
        .orElse(""));
    kv(b, "NEXT_BOOT_SLOT", slots.stream().filter(Slot::nextBoot).map(Slot::name).findFirst()
        .orElse(""));
    kv(b, "EXTENSIONS", states(extensions));
    kv(b, "NEXT_EXTENSIONS_VERSION", nextVersion);
    kv(b, "NEXT_EXTENSIONS", states(nextExtensions));
    return b.toString();
  }

  private long failures() {
    return tally.failures().values().stream().mapToLong(AttemptRecord.Tally.Failures::count)
        .sum();
  }

  private static String states(Map<String, String> m) {
    StringBuilder b = new StringBuilder();
    m.forEach((id, state) -> b.append(b.length() == 0 ? "" : " ").append(id).append(':')
        .append(state));
    return b.toString();
  }

  private static void kv(StringBuilder b, String key, String value) {
    String v = TextLines.printable(value);
    b.append(key).append('=');
    if (v.matches("[A-Za-z0-9._:/+-]*")) {
      b.append(v);
    } else {
      b.append('"');
      for (char c : v.toCharArray()) {
        if (c == '"' || c == '\\' || c == '$' || c == '`') {
          b.append('\\');
        }
        b.append(c);
      }
      b.append('"');
    }
    b.append('\n');
  }

  /** node_exporter's textfile-collector format (Prometheus text exposition 0.0.4). */
  public String metrics() {
    StringBuilder b = new StringBuilder();
    head(b, "turnout_info", "gauge", "The running and staged versions and the update group;"
        + " always 1.");
    b.append("turnout_info{version=\"").append(label(version)).append("\",group=\"")
        .append(label(group)).append("\",staged_version=\"").append(label(stagedVersion))
        .append("\"} 1\n");
    head(b, "turnout_status", "gauge", "The update engine's status: 1 for the current one.");
    for (UpdateStatus s : UpdateStatus.values()) {
      b.append("turnout_status{status=\"").append(s.name().toLowerCase(Locale.ROOT))
          .append("\"} ").append(s == status.operation() ? 1 : 0).append('\n');
    }
    gauge(b, "turnout_last_check_timestamp_seconds", "Unix time of the last successful update"
        + " check (0: none).", status.lastCheckedTime());
    gauge(b, "turnout_last_success_timestamp_seconds", "Unix time the last update attempt"
        + " ended without an error (0: none).", tally.lastSuccessTime());
    boolean failed = lastError.result() == AttemptOutcome.Result.ERROR;
    gauge(b, "turnout_last_error_code", "The error code of the last failed update attempt"
        + " (0: none).", failed ? lastError.wireCode() : 0);
    gauge(b, "turnout_last_error_timestamp_seconds", "Unix time of the last failed update"
        + " attempt (0: none).", failed ? lastError.time() : 0);
    head(b, "turnout_attempts_total", "counter", "Update attempts ended, whatever their result.");
    b.append("turnout_attempts_total ").append(tally.attempts()).append('\n');
    head(b, "turnout_failures_total", "counter", "Failed update attempts, by error code.");
    tally.failures().forEach((code, f) -> b.append("turnout_failures_total{code=\"").append(code)
        .append("\",name=\"").append(label(f.name())).append("\"} ").append(f.count())
        .append('\n'));
    head(b, "turnout_downloaded_bytes_total", "counter", "Payload and extension bytes"
        + " downloaded.");
    b.append("turnout_downloaded_bytes_total ").append(tally.bytesDownloaded()).append('\n');
    slotGauge(b, "turnout_slot_priority", "The USR partition's GPT priority (0: not bootable).",
        s -> s.priority());
    slotGauge(b, "turnout_slot_tries", "The USR partition's GPT tries left.", s -> s.tries());
    slotGauge(b, "turnout_slot_successful", "1 when the USR partition is marked successful.",
        s -> s.successful() ? 1 : 0);
    gauge(b, "turnout_reboot_pending", "1 when an installed update waits for a reboot.",
        rebootPending() ? 1 : 0);
    return b.toString();
  }

  private void slotGauge(StringBuilder b, String name, String help,
      java.util.function.ToIntFunction<Slot> value) {
    head(b, name, "gauge", help);
    for (Slot s : slots) {
      b.append(name).append("{slot=\"").append(label(s.name())).append("\",label=\"")
          .append(label(s.label())).append("\",booted=\"").append(s.booted()).append("\"} ")
          .append(value.applyAsInt(s)).append('\n');
    }
  }

  private static void gauge(StringBuilder b, String name, String help, long value) {
    head(b, name, "gauge", help);
    b.append(name).append(' ').append(value).append('\n');
  }

  private static void head(StringBuilder b, String name, String type, String help) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A label value as the text format wants it: backslash, quote and newline escaped. */
  private static String label(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
