package dev.turnout.engine;

import dev.turnout.gpt.GptDisk;
import dev.turnout.gpt.GptEntry;
import dev.turnout.payload.PayloadTarget;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens the boot disk: its GPT, and one partition as a byte range to write or read back. The real
 * one opens the device or image file ({@link FileDisks}); tests keep the disk in memory.
 */
interface Disks {
  /** The GPT of {@code disk}; {@code writable} for any change. The caller closes it. */
  GptDisk gpt(Path disk, boolean writable) throws IOException;

  /** {@code part} of {@code disk} as a target of its own length; the caller closes it. */
  PayloadTarget partition(Path disk, GptEntry part, boolean writable) throws IOException;
}
