package dev.turnout.engine;

import dev.turnout.gpt.DiskLock;
import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.payload.PayloadTarget;
import dev.turnout.payload.PayloadTargets;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/** {@link Disks} on block devices and image files (on whatever file system their path is). */
final class FileDisks implements Disks {
  @Override
  public GptDisk gpt(Path disk, boolean writable) throws IOException {
    return GptDisk.open(disk, writable);
  }

  /** A writable partition holds the disk's {@link DiskLock.Kind#TARGET} lock until closed. */
  @Override
  public PayloadTarget partition(Path disk, GptEntry part, boolean writable) throws IOException {
    if (!writable) {
      return PayloadTargets.range(FileChannel.open(disk, StandardOpenOption.READ),
          part.byteOffset(), part.byteLength());
    }
    DiskLock lock = DiskLock.acquire(disk, DiskLock.Kind.TARGET, Duration.ofSeconds(10));
    try {
      FileChannel ch = FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE);
      return PayloadTargets.range(ch, part.byteOffset(), part.byteLength(), lock);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }
}
