/**
 * The system extensions that go with an OS version: the OEM agent's image and the Flatcar
 * extensions the operator enabled. Which are wanted, where each comes from, how it is checked and
 * put in place, and which old images may go once the new version is the next boot.
 */
package dev.turnout.engine.extensions;
