package dev.turnout.engine.status;

/** Hears every status change and progress tick (the D-Bus {@code StatusUpdate} signal). */
public interface StatusListener {
  void statusChanged(EngineStatus status);
}
