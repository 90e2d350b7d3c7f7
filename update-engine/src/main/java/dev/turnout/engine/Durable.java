package dev.turnout.engine;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What makes a name survive a power cut: a file's data is forced before its rename, and the
 * directory holding a new, renamed or removed name is forced after.
 */
final class Durable {
  private Durable() {}

  /**
   * Forces the directory {@code dir}, so the names created, renamed or removed in it are on disk
   * (a rename alone is atomic, not durable: after a power cut the old name can be back).
   *
   * @throws IOException naming the directory, when it cannot be forced
   */
  public static void forceDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      throw new IOException("cannot force directory " + dir + " to disk: " + e.getMessage(), e);
    }
  }

  /**
   * {@link Files#createDirectories}, each new directory forced into its parent, so that what is
   * later made durable inside it is not lost with a directory entry that never reached the disk.
   */
  public static void createDirectories(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      createDirectories(parent);
    }
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw new FileAlreadyExistsException(dir.toString(), null, "exists and is not a directory");
      }
      return;
    }
    if (parent != null) {
      forceDirectory(parent);
    }
  }
}
