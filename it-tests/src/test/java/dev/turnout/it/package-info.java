/**
 * End-to-end tests: the real launchers in {@code bin/} against disk image files in a temp dir, a
 * private {@code dbus-daemon}, the lab Omaha server and a fault-injecting HTTP server, asserting slot
 * state (image bytes and GPT attributes) before and after every scenario.
 */
package dev.turnout.it;
