package dev.turnout.engine.fakes;

import dev.turnout.engine.attempt.Stages;
import dev.turnout.engine.attempt.UpdateAttempter;
import dev.turnout.engine.boot.BootMarker;
import dev.turnout.engine.omaha.OmahaClient;
import dev.turnout.engine.omaha.OmahaParams;
import dev.turnout.engine.omaha.OmahaParamsLoader;
import dev.turnout.engine.prefs.Prefs;
import dev.turnout.engine.extensions.ExtensionFetcher;
import dev.turnout.engine.extensions.ExtensionLedger;
import dev.turnout.engine.extensions.ExtensionStore;
import dev.turnout.engine.stages.Check;
import dev.turnout.engine.stages.FetchExtensions;
import dev.turnout.engine.stages.PruneExtensions;
import dev.turnout.engine.stages.Configure;
import dev.turnout.engine.stages.DownloadAndApply;
import dev.turnout.engine.stages.InstallPlan;
import dev.turnout.engine.stages.MarkTargetUnbootable;
import dev.turnout.engine.stages.Plan;
import dev.turnout.engine.stages.Postinstall;
import dev.turnout.engine.stages.Report;
import dev.turnout.engine.stages.SetActive;
import dev.turnout.engine.stages.Verify;
import dev.turnout.engine.state.PayloadState;
import dev.turnout.engine.state.ResumeStore;
import dev.turnout.engine.state.RollbackGuard;
import dev.turnout.engine.system.SystemPaths;
import dev.turnout.payload.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * A simulated node for unit tests: a root directory, prefs on it, the Flatcar disk in memory
 * booted from USR-A at version 1.0.0, and a fake clock, Omaha server, payload source and hooks.
 * Builds the real stages and attempter over them.
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
  public final PayloadState payloadState;
  public final ResumeStore resume;
  public final RollbackGuard rollbacks;
  public final OmahaParamsLoader params;
  public final ExtensionStore extensionStore;
  public FakePayloadSource source = new FakePayloadSource(new byte[0]);
  public List<Keys.TrustedKey> keys = List.of(TestRelease.trustedKey());
  public DownloadAndApply.Tuning tuning = new DownloadAndApply.Tuning(3, Duration.ofSeconds(20),
      Duration.ZERO, 1);
  public int marks;

  public FakeNode(Path dir) throws IOException {
    paths = new SystemPaths(dir.resolve("root"));
    prefs = new Prefs(paths.prefsDir());
    disks = new FakeDisks();
    slots = new FakeBootSlots(disks.slot(3));
    payloadState = new PayloadState(prefs, clock, new Random(7));
    resume = new ResumeStore(prefs);
    rollbacks = new RollbackGuard(prefs, clock);
    params = new OmahaParamsLoader(paths, prefs, "x86_64");
    extensionStore = new ExtensionStore(paths, prefs);
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

  public Stages stages() {
    return new Stages(new Configure(params),
        new Check(omahaClient(), prefs, rollbacks, () -> marks++, clock),
        new Plan(paths, slots, payloadState, resume, rollbacks), new MarkTargetUnbootable(disks),
        new DownloadAndApply(source, disks, keys, resume, payloadState, tuning, clock, timers),
        new Verify(disks),
        new FetchExtensions(paths, params, extensionStore, new ExtensionFetcher(source, keys,
            extensionStore, new ExtensionFetcher.Tuning(tuning.maxRetries(), tuning.retryDelay(),
                1), timers), new ExtensionLedger(prefs)),
        new Postinstall(paths, hooks, resume), new SetActive(disks),
        new PruneExtensions(extensionStore), new Report(paths, prefs, resume, rollbacks,
            new dev.turnout.engine.state.StatusStore(prefs)));
  }

  public UpdateAttempter attempter(Stages stages) {
    return new UpdateAttempter(stages, new UpdateAttempter.Parts(paths, params, omahaClient(),
        payloadState, resume, new dev.turnout.engine.state.StatusStore(prefs), clock));
  }

  public BootMarker bootMarker() {
    return new BootMarker(paths, slots, disks, hooks, prefs);
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
