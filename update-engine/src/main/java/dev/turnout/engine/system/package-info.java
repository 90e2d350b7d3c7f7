/**
 * The machine under the daemon: paths under one root, durable file operations, timers and sleep,
 * hook processes. Each side effect behind a small interface with a real implementation here.
 */
package dev.turnout.engine.system;
