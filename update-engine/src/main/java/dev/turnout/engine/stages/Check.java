package dev.turnout.engine.stages;

import dev.turnout.engine.http.Redacted;
import dev.turnout.engine.omaha.OmahaClient;
import dev.turnout.engine.omaha.OmahaException;
import dev.turnout.engine.omaha.OmahaParams;
import dev.turnout.engine.omaha.OmahaRequest;
import dev.turnout.engine.omaha.OmahaResponse;
import dev.turnout.engine.prefs.PrefKeys;
import dev.turnout.engine.prefs.Prefs;
import dev.turnout.engine.state.RollbackGuard;
import dev.turnout.engine.status.UpdateException;
import dev.turnout.payload.ErrorCode;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The update check: lets the booted slot be marked good first (as update_engine forces it before the first
 * check), records a rollback when {@code previous-version} equals the running version in a later
 * boot than the install, posts the
 * request exactly as update_engine 0.4.10 writes it, and keeps the response. {@code noupdate} ends
 * the attempt; an error answer fails it with the HTTP status or the parse error's code.
 */
public final class Check implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(Check.class);

  private final OmahaClient omaha;
  private final Prefs prefs;
  private final RollbackGuard rollbacks;
  private final Runnable beforeCheck;
  private final Clock clock;

  /** @param beforeCheck runs before the request is sent (marking the booted slot good) */
  public Check(OmahaClient omaha, Prefs prefs, RollbackGuard rollbacks,
      Runnable beforeCheck, Clock clock) {
    this.omaha = omaha;
    this.prefs = prefs;
    this.rollbacks = rollbacks;
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
    beforeCheck.run();
    OmahaResponse response;
    try {
      String prev = prefs.getString(PrefKeys.PREVIOUS_VERSION).orElse(null);
      // previous-version is kept until a boot after the install: within the boot that installed
      // the update (ResetStatus, a restarted daemon) nothing rolled back, whatever it says.
      boolean sameBoot = !p.bootId().isEmpty()
          && p.bootId().equals(prefs.getString(PrefKeys.INSTALLED_BOOT_ID).orElse(""));
      if (!sameBoot && prev != null && !prev.isEmpty() && prev.equals(p.version())) {
        rollbacks.rolledBack(p.version());
      }
      String request = OmahaRequest.updateCheck(p, plan.interactive(), sameBoot ? null : prev);
      if (!sameBoot) {
        prefs.setString(PrefKeys.PREVIOUS_VERSION, "");
      }
      LOG.info("Posting an Omaha request to {}", Redacted.url(p.server()));
      response = omaha.updateCheck(p.server(), request);
      LOG.info("Omaha request response: {}",
          Redacted.text(response.rawXml().replace("\n", "")));
      prefs.setString(PrefKeys.FULL_RESPONSE, response.rawXml());
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
    return checked;
  }
}
