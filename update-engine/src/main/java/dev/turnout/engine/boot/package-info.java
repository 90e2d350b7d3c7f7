/**
 * The boot disk and its slots: which USR partition runs and which one is written
 * ({@link dev.turnout.engine.boot.BootSlots}), opening the disk ({@link dev.turnout.engine.boot.Disks}),
 * and marking a healthy boot good ({@link dev.turnout.engine.boot.BootMarker}).
 */
package dev.turnout.engine.boot;
