package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every wanted extension of the new version in place before the switch: the OEM agent's image and
 * the enabled Flatcar extensions, each fetched, checked and installed by {@link ExtensionFetcher}
 * (one already in place, from an earlier attempt, is kept). All are tried; if one fails, the
 * attempt fails with its code and the target stays unbootable, while the OS payload, written and
 * verified, is kept for the next attempt. A Flatcar extension listed in
 * {@code OPTIONAL_EXTENSIONS} may be left behind once three attempts for the version failed:
 * then the update goes on without it, said at ERROR, reported to Omaha and kept for the client.
 */
final class FetchExtensions implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(FetchExtensions.class);
  /** Failed attempts for a version after which optional extensions may be left behind. */
  static final int OPTIONAL_AFTER = 3;

  private final SystemPaths paths;
  private final OmahaParamsLoader settings;
  private final ExtensionStore store;
  private final ExtensionFetcher fetcher;
  private final ExtensionLedger ledger;

  public FetchExtensions(SystemPaths paths, OmahaParamsLoader settings, ExtensionStore store,
      ExtensionFetcher fetcher, ExtensionLedger ledger) {
    this.paths = paths;
    this.settings = settings;
    this.store = store;
    this.fetcher = fetcher;
    this.ledger = ledger;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "fetching the extensions of " + plan.response().version();
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    String version = plan.response().version();
    try {
      List<Extension> wanted = WantedExtensions.read(paths);
      if (wanted.isEmpty()) {
        return plan;
      }
      ledger.start(version);
      String baseUrl = settings.setting("EXTENSIONS_BASE_URL");
      Set<String> optional = Arrays.stream(settings.setting("OPTIONAL_EXTENSIONS").split(","))
          .map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
      Map<Extension, UpdateException> failed = new java.util.LinkedHashMap<>();
      for (Extension e : wanted) {
        Optional<Path> there = store.installed(e, version);
        if (there.isPresent()) {
          LOG.info("{} for {} is already in place: {}", e, version, there.get());
          continue;
        }
        try {
          ExtensionSource src = ExtensionSource.locate(e, plan.response(), plan.params(),
              baseUrl);
          Path p = fetcher.fetch(e, src, version);
          LOG.info("{} for {} is in place: {} (from {})", e, version, p, src.origin());
        } catch (UpdateException x) {
          LOG.error("{} for {}: error {} ({}): {}", e, version, x.code().code, x.code(),
              x.getMessage());
          failed.put(e, x);
        }
      }
      if (failed.isEmpty()) {
        return plan;
      }
      List<Extension> required = failed.keySet().stream().filter(e -> e.kind()
          == Extension.Kind.OEM || !optional.contains(e.name())).toList();
      long failures = ledger.failures(version);
      if (required.isEmpty() && failures >= OPTIONAL_AFTER) {
        List<String> ids = failed.keySet().stream().map(Extension::id).toList();
        LOG.error("installing {} without the optional extensions {}: {} attempts failed on them"
            + " (OPTIONAL_EXTENSIONS)", version, String.join(", ", ids), failures);
        ledger.leftBehind(version, ids);
        sink.event(OmahaEvent.extensionsLeftBehind());
        return plan;
      }
      ledger.failed(version);
      Extension first = required.isEmpty() ? failed.keySet().iterator().next() : required.get(0);
      UpdateException x = failed.get(first);
      String more = failed.size() > 1 ? " (and " + (failed.size() - 1) + " more: "
          + failed.keySet().stream().filter(e -> e != first).map(Extension::id)
              .collect(Collectors.joining(", ")) + ")" : "";
      throw new UpdateException(x.code(), x.getMessage() + more, x.getCause());
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.EXTENSION_WRITE_ERROR, e.getMessage(), e);
    }
  }
}
