package dev.turnout.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * update_engine's {@code simple_key_value_store}: the format of update.conf, release and
 * oem-release. Lines split on {@code \n}; a line without {@code =} is skipped; the key is everything
 * before the first {@code =}, not trimmed; one pair of matching quotes around the whole value is
 * removed; there are no comments; a later duplicate wins.
 */
public final class KeyValueStore {
  private static final Logger LOG = LoggerFactory.getLogger(KeyValueStore.class);

  private KeyValueStore() {}

  /**
   * Reads {@code file} leniently: a line that is not UTF-8 or has no {@code =} is skipped with a
   * warning naming the file and line; nothing in the file can make reading it fail. A missing
   * file is empty.
   */
  public static Map<String, String> read(Path file) throws IOException {
    return read(file, null, LOG::warn);
  }

  /**
   * {@link #read(Path)}, saying each problem through {@code warn}; with {@code known} given, a key
   * outside it is warned of too (a typo in update.conf is otherwise silently ignored).
   */
  static Map<String, String> read(Path file, java.util.Set<String> known,
      java.util.function.Consumer<String> warn) throws IOException {
    StringBuilder good = new StringBuilder();
    for (TextLines.Line l : TextLines.read(file, warn)) {
      String line = l.text();
      if (!line.isBlank() && line.indexOf('=') < 0 && !line.startsWith("#")) {
        warn.accept(file + ":" + l.number() + ": not KEY=value; line skipped");
        continue;
      }
      if (known != null && line.indexOf('=') > 0 && !known.contains(line.substring(0,
          line.indexOf('=')))) {
        warn.accept(file + ":" + l.number() + ": unknown key " + line.substring(0,
            line.indexOf('=')) + " (ignored)");
      }
      good.append(line).append('\n');
    }
    return parse(good.toString());
  }

  public static Map<String, String> parse(String text) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String line : text.split("\n", -1)) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = line.substring(0, eq);
      String value = line.substring(eq + 1);
      if (value.length() >= 2) {
        char first = value.charAt(0);
        char last = value.charAt(value.length() - 1);
        if ((first == '"' || first == '\'') && first == last) {
          value = value.substring(1, value.length() - 1);
        }
      }
      map.remove(key);
      map.put(key, value);
    }
    return map;
  }
}
