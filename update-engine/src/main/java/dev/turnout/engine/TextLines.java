package dev.turnout.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The lines of a configuration file an operator or another package wrote, read leniently: a
 * line that is not UTF-8 is skipped and said through {@code warn} with the file and line number;
 * nothing in the file can make reading it fail. A missing file has no lines.
 */
final class TextLines {
  private TextLines() {}

  /**
   * {@code s} as one printable line: every control character (a newline, an escape) a space,
   * ends stripped; empty for null. For text from a server, a bus peer or a file that is shown
   * or written one line to a key.
   */
  public static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
    return b.toString().strip();
  }

  /** Each line, numbered from 1, that is UTF-8; the others said through {@code warn}. */
  public record Line(int number, String text) {}

  public static List<Line> read(Path file, Consumer<String> warn) throws IOException {
    if (!Files.isRegularFile(file)) {
      if (Files.exists(file)) {
        warn.accept(file + " is not a regular file; ignored");
      }
      return List.of();
    }
    byte[] bytes = Files.readAllBytes(file);
    List<Line> out = new ArrayList<>();
    int lineNo = 0;
    int start = 0;
    while (start <= bytes.length) {
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      lineNo++;
      String line = utf8(bytes, start, end - start);
      if (line == null) {
        warn.accept(file + ":" + lineNo + ": not UTF-8 text; line skipped");
      } else {
        out.add(new Line(lineNo, line));
      }
      start = end + 1;
    }
    return out;
  }

  private static String utf8(byte[] b, int off, int len) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b, off, len)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
