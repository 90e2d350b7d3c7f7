package dev.turnout.engine.boot;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.payload.PayloadTarget;
import dev.turnout.payload.PayloadTargets;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** {@link Disks} on block devices and image files (on whatever file system their path is). */
public final class FileDisks implements Disks {
  @Override
  public GptDisk gpt(Path disk, boolean writable) throws IOException {
    return GptDisk.open(disk, writable);
  }

  @Override
  public PayloadTarget partition(Path disk, GptEntry part, boolean writable) throws IOException {
    FileChannel ch = writable
        ? FileChannel.open(disk, StandardOpenOption.READ, StandardOpenOption.WRITE)
        : FileChannel.open(disk, StandardOpenOption.READ);
    return PayloadTargets.range(ch, part.byteOffset(), part.byteLength());
  }
}
