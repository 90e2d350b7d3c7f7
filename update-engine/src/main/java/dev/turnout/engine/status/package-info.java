/** What the engine reports: its status as D-Bus carries it, and failures with their codes. */
package dev.turnout.engine.status;
