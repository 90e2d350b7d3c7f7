/**
 * The stages of an attempt, one file each, in the order the attempter runs them: configure,
 * check, plan, mark the target unbootable, download and apply, verify, fetch extensions,
 * postinstall, set active, prune extensions, report ({@link dev.turnout.engine.attempt.Stages}
 * assembles them). Each takes the {@link dev.turnout.engine.stages.InstallPlan} and returns it
 * enriched, or throws with the code to report; what outlives the attempt goes through the
 * {@link dev.turnout.engine.state.AttemptRecord}, never prefs.
 */
package dev.turnout.engine.stages;
