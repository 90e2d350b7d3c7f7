package dev.turnout.gpt;

import java.util.List;

/**
 * What {@link GptDisk#repair()} found and did.
 *
 * @param sanity the sanity check result before repairing
 * @param primaryHeaderUpdated and the three flags after it: which parts were rewritten
 * @param problems why copies were found invalid
 */
public record RepairResult(GptError sanity, boolean primaryHeaderUpdated,
    boolean primaryArrayUpdated, boolean secondaryArrayUpdated, boolean secondaryHeaderUpdated,
    List<String> problems) {

  public RepairResult {
    problems = List.copyOf(problems);
  }
}
