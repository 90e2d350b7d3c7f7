package dev.turnout.engine;

/** Hears every status change and progress tick (the D-Bus {@code StatusUpdate} signal). */
interface StatusListener {
  void statusChanged(EngineStatus status);
}
