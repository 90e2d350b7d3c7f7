/**
 * The stages of an attempt, one file each, in the order the attempter runs them: configure,
 * check, plan, mark the target unbootable, download and apply, verify, postinstall, set active,
 * report. Each takes the {@link dev.turnout.engine.stages.InstallPlan} and returns it enriched,
 * or throws with the code to report.
 */
package dev.turnout.engine.stages;
