package dev.turnout.engine.omaha;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * update_engine's {@code simple_key_value_store}: the format of update.conf, release and
 * oem-release. Lines split on {@code \n}; a line without {@code =} is skipped; the key is everything
 * before the first {@code =}, not trimmed; one pair of matching quotes around the whole value is
 * removed; there are no comments; a later duplicate wins.
 */
final class KeyValueStore {
  private KeyValueStore() {}

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
