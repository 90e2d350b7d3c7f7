/**
 * What outlives one attempt, in prefs: the payload retry policy, the download's resume point, and
 * the rollback guard.
 */
package dev.turnout.engine.state;
