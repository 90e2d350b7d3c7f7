/**
 * GPT disks and the A/B switch of Flatcar's update protocol.
 *
 * <p>{@link dev.turnout.gpt.GptDisk} reads, validates, repairs and writes a GPT on a block device
 * or image file with the validity rules of Flatcar's cgpt (seismograph), and offers the three A/B
 * operations as calls: {@code markActive} (what {@code flatcar-postinst} does to a new partition),
 * {@code markGood} (what {@code flatcar-setgoodroot} does after a healthy boot) and
 * {@code selectNext} (what GRUB's {@code gptprio.next} does at boot). Every write goes backup first,
 * forced, then primary, forced, so a torn write leaves the old table or the new one.
 *
 * <p>The update daemon uses this package to make the written partition bootable; the {@code cgpt}
 * command ({@code dev.turnout.gpt.cli}) is a thin layer over it.
 */
package dev.turnout.gpt;
