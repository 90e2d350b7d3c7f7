package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.gpt.PartitionTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what monitoring reads up to date: {@code /run/update-engine/status} always, and the
 * Prometheus text file named by {@code METRICS_TEXTFILE} in update.conf (node_exporter's
 * textfile collector reads {@code *.prom} in its directory). Each is written whole to a temporary
 * file beside it and renamed over it, so a reader never sees half of one. Rewritten at start,
 * when the status changes (not on download progress), when an attempt ends and after the booted
 * slot is marked good. A file that cannot be written is a warning, once per cause: monitoring
 * never stops an update.
 */
final class Monitor {
  private static final Logger LOG = LoggerFactory.getLogger(Monitor.class);
  /** Where the status file goes, beside the reboot coordinator's {@code coordinator.conf}. */
  public static final String STATUS_FILE = "/run/update-engine/status";

  private final SystemPaths paths;
  private final OmahaParamsLoader settings;
  private final BootSlots slots;
  private final Disks disks;
  private final AttemptRecord record;
  private final Supplier<EngineStatus> status;
  private final Supplier<AttemptOutcome> lastError;
  private final Set<String> warned = new HashSet<>();
  private UpdateStatus lastOperation;
  private String lastVersion;

  public Monitor(SystemPaths paths, OmahaParamsLoader settings, BootSlots slots, Disks disks,
      AttemptRecord record, Supplier<EngineStatus> status, Supplier<AttemptOutcome> lastError) {
    this.paths = paths;
    this.settings = settings;
    this.slots = slots;
    this.disks = disks;
    this.record = record;
    this.status = status;
    this.lastError = lastError;
  }

  /** A status listener: rewrites the files when the operation or the new version changed. */
  public void statusChanged(EngineStatus s) {
    synchronized (this) {
      if (s.operation() == lastOperation && s.newVersion().equals(lastVersion)) {
        return;
      }
      lastOperation = s.operation();
      lastVersion = s.newVersion();
    }
    refresh();
  }

  /** Gathers the report and writes both files. */
  public synchronized void refresh() {
    NodeReport r = report();
    write(paths.resolve(STATUS_FILE), r.statusFile(), true);
    String metrics = "";
    try {
      metrics = settings.setting("METRICS_TEXTFILE");
    } catch (IOException e) {
      warnOnce("update.conf", "cannot read METRICS_TEXTFILE from update.conf: " + e.getMessage());
    }
    if (!metrics.isEmpty()) {
      if (!metrics.startsWith("/") || !metrics.endsWith(".prom")) {
        warnOnce("metrics-path", "METRICS_TEXTFILE=" + metrics + " is not an absolute path"
            + " ending in .prom (node_exporter reads only those); no metrics written");
      } else {
        write(paths.resolve(metrics), r.metrics(), false);
      }
    }
  }

  /** The report as of now. */
  public NodeReport report() {
    EngineStatus s = status.get();
    String version = "";
    String group = "";
    try {
      OmahaParams p = settings.load();
      version = p.version();
      group = p.group();
    } catch (IOException | RuntimeException e) {
      warnOnce("params", "cannot read the version and group for monitoring: " + e.getMessage());
    }
    Map<String, String> booted = Map.of();
    Map<String, String> next = Map.of();
    String nextVersion = "";
    try {
      ExtensionsView v = ExtensionsView.of(paths.root());
      booted = v.bootedStates();
      nextVersion = v.next();
      next = v.nextStates();
    } catch (IOException | RuntimeException e) {
      warnOnce("extensions", "cannot read the extensions' states: " + e.getMessage());
    }
    String staged = s.operation() == UpdateStatus.UPDATED_NEED_REBOOT ? s.newVersion() : "";
    return new NodeReport(s, version, group, staged, lastError.get(), record.tally(),
        slotStates(), booted, nextVersion, next);
  }

  private List<NodeReport.Slot> slotStates() {
    List<NodeReport.Slot> out = new ArrayList<>();
    try {
      BootSlot slot = slots.find();
      try (GptDisk gpt = disks.gpt(slot.disk(), false)) {
        Optional<GptEntry> next = gpt.nextBoot();
        for (GptEntry e : gpt.entries()) {
          if (!e.used() || !PartitionTypes.isUsr(e.type())) {
            continue;
          }
          String name = e.label().startsWith("USR-") ? e.label().substring(4)
              : Integer.toString(e.number());
          out.add(new NodeReport.Slot(name, e.label(), e.number(), e.attributes().priority(),
              e.attributes().tries(), e.attributes().successful(),
              e.number() == slot.booted().number(),
              next.isPresent() && next.get().number() == e.number()));
        }
      }
    } catch (UpdateException | IOException | RuntimeException e) {
      warnOnce("slots", "cannot read the USR partitions for monitoring: " + e.getMessage());
      return List.of();
    }
    return out;
  }

  private void write(Path file, String content, boolean makeDirectory) {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".turnout-new");
    try {
      if (makeDirectory) {
        Files.createDirectories(file.getParent());
      }
      Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      warned.remove(file.toString());
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException | RuntimeException ignored) {
        // the write failed already; the warning says so
      }
      String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
          : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
          : e.getMessage();
      warnOnce(file.toString(), "cannot write " + file + ": " + why);
    }
  }

  private void warnOnce(String cause, String message) {
    if (warned.add(cause)) {
      LOG.warn("{}", message);
    }
  }
}
