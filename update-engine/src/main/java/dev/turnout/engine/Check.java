package dev.turnout.engine;

import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update check: lets the booted slot be marked good first (as update_engine forces it before
 * the first check) and goes no further while it is not (error 36: the other slot is then the only
 * one known good), tells the record a check is going out (which reports a rollback, see
 * {@link AttemptRecord#checking}), posts the request exactly as update_engine 0.4.10 writes it,
 * and records the response. {@code noupdate} ends the attempt; an error answer fails it with the
 * HTTP status or the parse error's code.
 */
final class Check implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(Check.class);

  private final OmahaClient omaha;
  private final AttemptRecord record;
  private final java.util.function.Supplier<java.util.Optional<String>> beforeCheck;
  private final Clock clock;

  /**
   * @param beforeCheck runs before the request is sent (marking the booted slot good); says why
   *     no update may be written now, if so (the booted slot is not known good)
   */
  public Check(OmahaClient omaha, AttemptRecord record,
      java.util.function.Supplier<java.util.Optional<String>> beforeCheck, Clock clock) {
    this.omaha = omaha;
    this.record = record;
    this.beforeCheck = beforeCheck;
    this.clock = clock;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "update check";
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    OmahaParams p = plan.params();
    java.util.Optional<String> notReady = beforeCheck.get();
    if (notReady.isPresent()) {
      // Before the request: a check now would spend the previous-version report on a boot that
      // may yet fall back.
      throw new UpdateException(ErrorCode.OMAHA_UPDATE_DEFERRED_PER_POLICY, notReady.get(), null);
    }
    OmahaResponse response;
    try {
      String previous = record.checking(p.version(), p.bootId()).orElse(null);
      String request = OmahaRequest.updateCheck(p, plan.interactive(), previous);
      LOG.info("Posting an Omaha request to {}", Redacted.url(p.server()));
      response = omaha.updateCheck(p.server(), request);
      LOG.info("Omaha request response: {}",
          Redacted.text(response.rawXml().replace("\n", "")));
      record.checked(response);
    } catch (OmahaException e) {
      throw e.toUpdateException();
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.OMAHA_REQUEST_ERROR, e.getMessage(), e);
    }
    InstallPlan checked = plan.withResponse(response,
        clock.instant().getEpochSecond());
    if (!response.updateAvailable()) {
      LOG.info("No update.");
      return checked.end();
    }
    InstallPlan.Staged staged = plan.restaging();
    if (staged != null && !ReleaseVersions.newer(response.version(), staged.version())) {
      LOG.info("{} is staged already and the server offers {}: nothing newer", staged.version(),
          response.version());
      return checked.end();
    }
    return checked;
  }
}
