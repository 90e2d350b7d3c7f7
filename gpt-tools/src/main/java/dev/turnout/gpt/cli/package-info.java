/**
 * {@code cgpt}, command-line compatible with Flatcar's cgpt for {@code create}, {@code add},
 * {@code show}, {@code prioritize}, {@code next}, {@code find} and {@code repair}: same flags, type
 * aliases, messages and exit codes, and byte-identical standard output for {@code show} and
 * {@code next}.
 */
package dev.turnout.gpt.cli;
