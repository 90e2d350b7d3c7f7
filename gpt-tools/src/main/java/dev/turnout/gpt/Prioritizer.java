package dev.turnout.gpt;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code cgpt prioritize} as seismograph implements it ({@code cgpt_prioritize.c}), over the USR
 * partitions of the primary array.
 *
 * <p>USR partitions are grouped by priority. With a chosen partition, it alone (or, with
 * {@code friends}, its whole group) moves to a virtual priority 99. Groups are sorted highest first; a
 * trailing group at priority 0 is left out so nothing is raised from 0. The groups are then numbered
 * from {@code maxPriority} (or the number of groups, at most 15) down, never below 1. Only priority
 * bits change.
 */
final class Prioritizer {
  private static final int CHOSEN = 99;

  private Prioritizer() {}

  private record Group(int priority, List<Integer> indexes) {}

  /**
   * @param chosen 1-based partition to put first, or 0 for none
   * @param maxPriority the top priority to assign (1..15), or 0 for the number of groups
   */
  static void prioritize(GptImage img, int chosen, boolean friends, int maxPriority) {
    List<Group> groups = new ArrayList<>();
    int chosenOriginal = -1;
    for (int i = 0; i < GptLayout.ENTRY_COUNT; i++) {
      if (!img.isUsr(i)) {
        continue;
      }
      int priority = img.attributes(i).priority();
      if (chosen == i + 1) {
        chosenOriginal = priority;
        addTo(groups, friends ? priority : CHOSEN, i);
      } else {
        addTo(groups, priority, i);
      }
    }
    if (groups.isEmpty()) {
      return;
    }
    if (friends && chosenOriginal >= 0) {
      for (int g = 0; g < groups.size(); g++) {
        if (groups.get(g).priority() == chosenOriginal) {
          groups.set(g, new Group(CHOSEN, groups.get(g).indexes()));
          break;
        }
      }
    }
    groups.sort((a, b) -> Integer.compare(b.priority(), a.priority()));
    if (groups.get(groups.size() - 1).priority() == 0) {
      groups.remove(groups.size() - 1);
    }
    int priority = maxPriority > 0 ? maxPriority : Math.min(groups.size(), 15);
    for (Group g : groups) {
      for (int index : g.indexes()) {
        img.setAttributes(index, img.attributes(index).withPriority(priority));
      }
      if (priority > 1) {
        priority--;
      }
    }
  }

  private static void addTo(List<Group> groups, int priority, int index) {
    for (Group g : groups) {
      if (g.priority() == priority) {
        g.indexes().add(index);
        return;
      }
    }
    List<Integer> list = new ArrayList<>();
    list.add(index);
    groups.add(new Group(priority, list));
  }
}
