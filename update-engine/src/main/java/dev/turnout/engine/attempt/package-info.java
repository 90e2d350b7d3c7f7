/**
 * One update attempt as an ordered list of stages ({@link dev.turnout.engine.attempt.UpdateAttempter}),
 * its status and signals, and when the next one runs ({@link dev.turnout.engine.attempt.CheckScheduler}).
 */
package dev.turnout.engine.attempt;
