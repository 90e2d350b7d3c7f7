package dev.turnout.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactedTest {
  @Test
  void theLoggedResponseShowsNoCredentialsOfAnyCodebase() {
    String xml = "<urls><url codebase=\"https://ops:s3cret@nebraska.example/p/\"></url>"
        + "<url codebase='http://user@mirror.example/p/'></url>"
        + "<url codebase=\"https://plain.example/p/\"></url></urls>";
    assertThat(Redacted.text(xml)).isEqualTo("<urls><url codebase=\"https://***@nebraska.example"
        + "/p/\"></url><url codebase='http://***@mirror.example/p/'></url>"
        + "<url codebase=\"https://plain.example/p/\"></url></urls>").doesNotContain("s3cret");
  }
}
