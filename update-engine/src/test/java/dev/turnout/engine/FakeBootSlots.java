package dev.turnout.engine;


/** Boot slots as the test says: a fixed answer, or a failure. */
public final class FakeBootSlots implements BootSlots {
  private BootSlot slot;
  private UpdateException failure;
  public int finds;

  public FakeBootSlots(BootSlot slot) {
    this.slot = slot;
  }

  public FakeBootSlots failing(UpdateException e) {
    failure = e;
    return this;
  }

  @Override
  public synchronized BootSlot find() throws UpdateException {
    finds++;
    if (failure != null) {
      throw failure;
    }
    return slot;
  }
}
