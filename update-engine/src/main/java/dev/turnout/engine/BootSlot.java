package dev.turnout.engine;

import dev.turnout.gpt.GptEntry;
import java.nio.file.Path;

/**
 * The booted USR partition, the disk that holds it, and the other USR partition: the target of the
 * next update. Partitions are byte ranges of the disk, so an image file works as well as a block
 * device and nothing needs loop devices or root.
 *
 * @param disk the boot disk (a block device, or an image file in tests and the demo)
 * @param booted the partition the running system's /usr is on
 * @param target the other USR partition, which updates are written to
 */
record BootSlot(Path disk, GptEntry booted, GptEntry target) {
  /** The device name hooks and logs use: {@code /dev/sda4}, {@code /dev/nvme0n1p4}, {@code disk.img4}. */
  public String targetDevice() {
    return deviceName(target.number());
  }

  public String bootedDevice() {
    return deviceName(booted.number());
  }

  private String deviceName(int n) {
    String d = disk.toString();
    return d + (Character.isDigit(d.charAt(d.length() - 1)) ? "p" : "") + n;
  }

  /** {@code a} for USR-A (partition 3), {@code b} otherwise, as GRUB picks the kernel. */
  public String targetKernelSuffix() {
    return target.number() == 3 ? "a" : "b";
  }
}
