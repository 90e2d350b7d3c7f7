package dev.turnout.engine;


/**
 * One step of an update attempt. It takes the plan and returns it enriched, or throws with the
 * code to report; what it has to say on the way (Omaha events, download progress) goes to the
 * {@link StageSink} it is handed, and what outlives the attempt to the
 * {@link AttemptRecord} it was built with. Stages run in order on the
 * attempter's one worker thread; the sink is their only way back to the attempter.
 */
interface Stage {
  /** A short name for logs and error context ("marking USR-B unbootable"). */
  String describe(InstallPlan plan);

  InstallPlan run(InstallPlan plan, StageSink sink) throws UpdateException;
}
