package dev.turnout.engine.cli;

import dev.turnout.engine.UpdateEngineMain;
import picocli.CommandLine;

/** The daemon's {@code --version}: Turnout's version, from the jar's manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"${COMMAND-NAME} (Turnout) " + UpdateEngineMain.version()};
  }
}
