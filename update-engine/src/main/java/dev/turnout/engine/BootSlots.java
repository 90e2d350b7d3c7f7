package dev.turnout.engine;


/**
 * Finds which USR partition runs now and which one the next update goes to. The real one reads
 * the kernel command line and the GPT ({@link KernelBootSlots}); tests name the slots outright.
 */
interface BootSlots {
  /**
   * The slots as of now (read afresh on every call).
   *
   * @throws UpdateException {@code OMAHA_RESPONSE_HANDLER_ERROR} when the booted partition cannot
   *     be told or is not on the disk, or the disk has no second USR partition
   */
  BootSlot find() throws UpdateException;
}
