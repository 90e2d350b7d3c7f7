package dev.turnout.engine;

import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the update configuration afresh for every attempt, as update_engine does: a change to
 * {@code update.conf} takes effect at the next check without a restart. A {@code SERVER} that
 * disables checks ends the attempt quietly.
 */
final class Configure implements Stage {
  private static final Logger LOG = LoggerFactory.getLogger(Configure.class);

  private final OmahaParamsLoader params;

  public Configure(OmahaParamsLoader params) {
    this.params = params;
  }

  @Override
  public String describe(InstallPlan plan) {
    return "reading the update configuration";
  }

  @Override
  public InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException {
    OmahaParams p;
    try {
      p = params.load();
    } catch (IOException e) {
      throw new UpdateException(ErrorCode.OMAHA_REQUEST_ERROR, e.getMessage(), e);
    }
    if (!p.checksEnabled()) {
      LOG.info("update checks are disabled ({})", params.disabledReason());
      return plan.withParams(p).end(params.disabledReason());
    }
    return plan.withParams(p);
  }
}
