import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * Sets one {@code user.} extended attribute on a file: {@code java SetUserXattr.java FILE NAME
 * VALUE} (NAME without the {@code user.} prefix). bin/build-sysext runs it so the image needs no
 * setfattr (package attr) on the build machine; mksquashfs keeps the attribute in the image.
 */
public final class SetUserXattr {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: java SetUserXattr.java FILE NAME VALUE");
      System.exit(2);
    }
    UserDefinedFileAttributeView view = Files.getFileAttributeView(Path.of(args[0]),
        UserDefinedFileAttributeView.class);
    if (view == null) {
      System.err.println(args[0] + ": this file system keeps no user extended attributes");
      System.exit(1);
    }
    try {
      view.write(args[1], ByteBuffer.wrap(args[2].getBytes(StandardCharsets.UTF_8)));
    } catch (java.io.IOException e) {
      System.err.println(args[0] + ": cannot set user." + args[1] + ": " + e.getMessage()
          + " (put TMPDIR on a file system with user extended attributes)");
      System.exit(1);
    }
  }
}
