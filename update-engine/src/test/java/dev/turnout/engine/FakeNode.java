package dev.turnout.engine;

import dev.turnout.payload.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;

/**
 * A simulated node for unit tests: a root directory, prefs on it, the Flatcar disk in memory
 * booted from USR-A at version 1.0.0, and a fake clock, Omaha server, payload source and hooks.
 * Builds the real stages (through the daemon's own {@link Stages#assemble}) and attempter over
 * them, with the real record on the prefs.
 */
public final class FakeNode {
  public static final String SERVER = "http://omaha.test/v1/update/";
  public static final String CODEBASE = "http://payloads.test/1.1.0/";

  public final SystemPaths paths;
  public final Prefs prefs;
  public final FakeClock clock = new FakeClock();
  public final FakeTimers timers = new FakeTimers(clock);
  public final FakeOmaha omaha = new FakeOmaha();
  public final FakeDisks disks;
  public final FakeBootSlots slots;
  public final FakeHooks hooks = new FakeHooks();
  public final PrefsAttemptRecord record;
  public final OmahaParamsLoader params;
  public final ExtensionStore extensionStore;
  public FakePayloadSource source = new FakePayloadSource(new byte[0]);
  public List<Keys.TrustedKey> keys = List.of(TestRelease.trustedKey());
  public DownloadAndApply.Tuning tuning = new DownloadAndApply.Tuning(3, Duration.ofSeconds(20),
      Duration.ZERO, 1);
  public int marks;
  /** Reboots asked for (logind's, in the daemon). */
  public volatile int reboots;
  /** This node's health gate: off unless the test makes systemd run the node. */
  public BootGate gate;

  public FakeNode(Path dir) throws IOException {
    paths = new SystemPaths(dir.resolve("root"));
    prefs = new Prefs(paths.prefsDir());
    disks = new FakeDisks();
    slots = new FakeBootSlots(disks.slot(3));
    record = new PrefsAttemptRecord(prefs, clock, new Random(7));
    params = new OmahaParamsLoader(paths, record, "x86_64");
    extensionStore = new ExtensionStore(paths, record);
    write("/usr/share/flatcar/release", "FLATCAR_RELEASE_VERSION=1.0.0\n"
        + "FLATCAR_RELEASE_BOARD=amd64-usr\n");
    write("/etc/flatcar/update.conf", "SERVER=" + SERVER + "\nGROUP=stable\n");
  }

  public Path write(String absolute, String content) throws IOException {
    Path p = paths.resolve(absolute);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, content);
  }

  /** Serves {@code release}'s payload, and offers it at the next update check. */
  public FakeNode offer(TestRelease release) {
    source = new FakePayloadSource(release.payload);
    omaha.answer(release.response(CODEBASE));
    return this;
  }

  public OmahaClient omahaClient() {
    return new OmahaClient(omaha);
  }

  /** The stages over this node's fakes, with {@code record} (this node's, or a recording one). */
  public Stages stages(AttemptRecord withRecord) {
    return Stages.assemble(new Stages.Parts(paths, params, omahaClient(), withRecord,
        () -> {
          marks++;
          return Optional.empty();
        }, slots, disks, source, keys, tuning, hooks, extensionStore,
        new ExtensionLedger(record), clock, timers));
  }

  public Stages stages() {
    return stages(record);
  }

  public UpdateAttempter attempter(Stages stages) {
    return attempter(stages, record);
  }

  public UpdateAttempter attempter(Stages stages, AttemptRecord withRecord) {
    return new UpdateAttempter(stages, new UpdateAttempter.Parts(paths, params, omahaClient(),
        withRecord, clock, () -> source.bytesServed, new Rollback(paths, slots, disks),
        () -> reboots++));
  }

  public BootMarker bootMarker() {
    if (gate == null) {
      gate = new BootGate(paths, record, clock, java.time.Duration.ofMinutes(10));
    }
    return new BootMarker(paths, slots, disks, hooks, record, gate);
  }

  /** systemd runs this node, with Turnout's health-gate unit installed. */
  public FakeNode withSystemd() throws IOException {
    Files.createDirectories(paths.resolve("/run/systemd/system"));
    write("/usr/lib/systemd/system/" + BootGate.UNIT, "[Service]\n");
    return this;
  }

  /**
   * As if {@code version} had been installed from 1.0.0 in an earlier boot and the machine came
   * back on 1.0.0: the record's rollback, as an update check in a later boot finds it.
   */
  public void rolledBackFrom(String version) throws IOException {
    record.installed(new AttemptRecord.Installed(version, 1, 0, "1.0.0", "boot-of-the-install",
        "USR-A", "USR-B"));
    record.checking("1.0.0", "a-later-boot");
  }

  /** Why the record refuses {@code version} now (error 36), or empty. */
  public Optional<String> refusal(String version) throws IOException {
    try {
      record.planned(new OmahaResponse(true, version, List.of(CODEBASE + "p.gz"), "p.gz", 1,
          "c2hhMjU2", "", true, 10, false, OptionalInt.empty(), List.of(), ""));
      return Optional.empty();
    } catch (UpdateException e) {
      return e.code() == ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY
          ? Optional.of(e.getMessage()) : Optional.empty();
    }
  }

  /** A plan as the check stage leaves it for {@code release}: parameters and response. */
  public InstallPlan checked(TestRelease release) throws Exception {
    OmahaParams p = params.load();
    omaha.answer(release.response(CODEBASE));
    return InstallPlan.start(true, 0).withParams(p).withResponse(
        omahaClient().updateCheck(p.server(), "<request><updatecheck/></request>"),
        clock.instant().getEpochSecond());
  }
}
