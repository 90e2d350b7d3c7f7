/**
 * The picocli side of the daemon's and the client's command lines. The daemon reads its command
 * line with these classes in a {@code dev.turnout.engine.TransientLoader} of their own, so
 * picocli's classes leave the resident daemon once the options are read; nothing outside this
 * package and the client names a picocli type.
 */
package dev.turnout.engine.cli;
