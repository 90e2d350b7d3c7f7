/**
 * What outlives one attempt: {@link dev.turnout.engine.state.AttemptRecord}, the one owner of
 * the attempt's bookkeeping, and behind it in prefs the payload's retry policy, the download's
 * resume point, the rollback guard and the status kept across restarts.
 */
package dev.turnout.engine.state;
