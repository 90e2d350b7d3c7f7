package dev.turnout.engine;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Fuzzes what the daemon reads from outside: Omaha responses (only {@link OmahaException} may
 * come out) and the update.conf / release format (never an exception, never a key with a newline).
 */
class ParserFuzzTest {
  @FuzzTest(maxDuration = "30s")
  void omahaResponsesParseOrFailWithOmahaException(FuzzedDataProvider in) {
    byte[] body;
    if (in.consumeBoolean()) {
      StringBuilder xml = new StringBuilder(Fixtures.UPDATE);
      int edits = in.consumeInt(0, 8);
      for (int i = 0; i < edits && xml.length() > 0; i++) {
        int at = in.consumeInt(0, xml.length() - 1);
        xml.replace(at, Math.min(xml.length(), at + in.consumeInt(0, 8)),
            in.consumeString(8));
      }
      body = xml.toString().getBytes(StandardCharsets.UTF_8);
    } else {
      body = in.consumeRemainingAsBytes();
    }
    try {
      OmahaResponse r = OmahaResponseParser.parse(body);
      if (r.updateAvailable() && (r.payloadUrls().isEmpty() || r.size() <= 0
          || r.sha256().isEmpty())) {
        throw new AssertionError("an update response without URL, size or hash was accepted");
      }
    } catch (OmahaException e) {
      // refused with a code
    }
  }

  @FuzzTest(maxDuration = "30s")
  void configFilesAlwaysParse(FuzzedDataProvider in) {
    Map<String, String> m = KeyValueStore.parse(in.consumeRemainingAsString());
    for (String k : m.keySet()) {
      if (k.contains("\n") || k.contains("=")) {
        throw new AssertionError("bad key " + k);
      }
    }
  }
}
