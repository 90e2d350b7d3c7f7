package dev.turnout.reboot;

import dev.turnout.engine.AttemptRecord;
import dev.turnout.engine.BootMarker;
import dev.turnout.engine.PrefsAttemptRecord;
import dev.turnout.engine.SystemPaths;
import java.io.IOException;

/**
 * This boot is good when Turnout's engine has marked its slot good in it: the boot ID it keeps
 * in prefs ({@code turnout-marked-good-boot-id}) is this boot's.
 */
final class EngineBootHealth implements Coordinator.BootHealth {
  private final SystemPaths paths;
  private final AttemptRecord record;

  EngineBootHealth(SystemPaths paths) {
    this.paths = paths;
    this.record = PrefsAttemptRecord.on(paths);
  }

  @Override
  public boolean bootedGood() throws IOException {
    return BootMarker.markedGoodThisBoot(paths, record);
  }
}
