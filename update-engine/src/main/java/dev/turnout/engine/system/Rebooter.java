package dev.turnout.engine.system;

import java.io.IOException;

/** Asks the machine to reboot now: the real one is logind's {@code Reboot}, tests record it. */
public interface Rebooter {
  void reboot() throws IOException;
}
