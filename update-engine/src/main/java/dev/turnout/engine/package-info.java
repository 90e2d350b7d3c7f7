/**
 * The update daemon's composition root: {@link dev.turnout.engine.Daemon} builds every part once
 * from the options and the environment and wires them; {@link dev.turnout.engine.UpdateEngineMain}
 * is its command line. Nothing else in the daemon chooses a real clock, disk, network or bus.
 */
package dev.turnout.engine;
