package dev.turnout.engine.cli;

import dev.turnout.engine.system.Versions;
import picocli.CommandLine;

/** {@code --version} of the daemon and its client: Turnout's version, from the jar's manifest. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-NAME} (Turnout) " + Versions.turnout()};
  }
}
