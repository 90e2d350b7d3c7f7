package dev.turnout.engine;

import dev.turnout.payload.Keys;
import java.time.Clock;
import java.util.List;

/** The stages of an attempt; their order is the attempter's. */
record Stages(Stage configure, Stage check, Stage plan, Stage markTargetUnbootable,
    Stage downloadAndApply, Stage verify, Stage fetchExtensions, Stage postinstall, Stage setActive,
    Stage pruneExtensions, Stage report) {

  /**
   * What the stages are built from: the daemon gives the real parts, the tests their fakes.
   *
   * @param beforeCheck runs before each update check is sent (marking the booted slot good);
   *     says why no update may be written now, if so
   * @param sleeper waits between retries of a cut transfer
   */
  public record Parts(SystemPaths paths, OmahaParamsLoader settings, OmahaClient omaha,
      AttemptRecord record, java.util.function.Supplier<java.util.Optional<String>> beforeCheck,
      BootSlots slots, Disks disks,
      PayloadSource payloads, List<Keys.TrustedKey> keys, DownloadAndApply.Tuning tuning,
      Hooks hooks, ExtensionStore extensions, ExtensionLedger ledger, Clock clock,
      Sleeper sleeper) {}

  /** The one place the stage list is assembled. */
  public static Stages assemble(Parts p) {
    ExtensionFetcher fetcher = new ExtensionFetcher(p.payloads(), p.keys(), p.extensions(),
        new ExtensionFetcher.Tuning(p.tuning().maxRetries(), p.tuning().retryDelay(),
            p.tuning().threads()), p.sleeper());
    return new Stages(new Configure(p.settings()),
        new Check(p.omaha(), p.record(), p.beforeCheck(), p.clock()),
        new Plan(p.paths(), p.slots(), p.record()),
        new MarkTargetUnbootable(p.disks()),
        new DownloadAndApply(p.payloads(), p.disks(), p.keys(), p.record(), p.tuning(),
            p.clock(), p.sleeper()),
        new Verify(),
        new FetchExtensions(p.paths(), p.settings(), p.extensions(), fetcher, p.ledger()),
        new Postinstall(p.paths(), p.hooks(), p.record()),
        new SetActive(p.disks()),
        new PruneExtensions(p.extensions()),
        new Report(p.paths(), p.record()));
  }
}
