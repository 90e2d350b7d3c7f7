package dev.turnout.engine.stages;

import dev.turnout.engine.stages.InstallPlan;
import dev.turnout.engine.status.UpdateException;

/**
 * One step of the update. Takes the plan, returns it enriched, or throws with the code to report.
 * Stages run in order on the attempter's one worker thread.
 */
public interface Stage {
  /** A short name for logs and error context ("marking USR-B unbootable"). */
  String describe(InstallPlan plan);

  InstallPlan run(InstallPlan plan) throws UpdateException;
}
