package dev.turnout.engine;


/** What a running stage reports besides its result. Called on the worker thread. */
interface StageSink {
  /** Reports an Omaha event of this attempt (best effort: never fails the stage). */
  void event(OmahaEvent event);

  /** Payload bytes consumed so far of {@code total} (-1 until the manifest is read). */
  void downloaded(long bytes, long total);

  /** A sink that drops everything, for stages run outside an attempt. */
  StageSink NONE = new StageSink() {
    @Override
    public void event(OmahaEvent event) {}

    @Override
    public void downloaded(long bytes, long total) {}
  };
}
