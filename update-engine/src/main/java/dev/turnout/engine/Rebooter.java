package dev.turnout.engine;

import java.io.IOException;

/** Asks the machine to reboot now: the real one is logind's {@code Reboot}, tests record it. */
interface Rebooter {
  void reboot() throws IOException;
}
