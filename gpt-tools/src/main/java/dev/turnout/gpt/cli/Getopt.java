package dev.turnout.gpt.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * cgpt's options, read as its C {@code getopt} loop reads them: single-letter options from an
 * option string ({@code "i:bv"}: {@code -i} takes a value, {@code -b} and {@code -v} do not),
 * clustered ({@code -vn}), values attached or separate ({@code -i3}, {@code -i 3}), options
 * after operands, {@code --} ending them. Written by hand for cgpt's start-up time (picocli
 * took two thirds of a {@code cgpt show}); {@code GetoptTest} holds it to picocli, configured
 * as cgpt's commands used it, over a corpus of command lines.
 */
final class Getopt {
  /** Receives each option in order; {@code value} is null for an option without one. */
  interface Handler {
    void option(char letter, String value);
  }

  /** A command line getopt refuses, with cgpt's wording. */
  static final class Refused extends Exception {
    Refused(String message) {
      super(message);
    }
  }

  private Getopt() {}

  /** Hands each option to {@code handler} and returns the operands, in order. */
  static List<String> parse(String optstring, String[] args, Handler handler) throws Refused {
    List<String> operands = new ArrayList<>();
    boolean options = true;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!options || a.length() < 2 || a.charAt(0) != '-') {
        operands.add(a);
        continue;
      }
      if (a.equals("--")) {
        options = false;
        continue;
      }
      for (int j = 1; j < a.length(); j++) {
        char c = a.charAt(j);
        int at = c == ':' ? -1 : optstring.indexOf(c);
        if (at < 0) {
          throw new Refused("unrecognized option: " + (j == 1 ? a : "-" + c));
        }
        if (at + 1 < optstring.length() && optstring.charAt(at + 1) == ':') {
          String value;
          if (j + 1 < a.length()) {
            value = a.substring(j + 1);
          } else if (i + 1 < args.length) {
            value = args[++i];
          } else {
            throw new Refused("missing argument to -" + c);
          }
          handler.option(c, value);
          break;
        }
        handler.option(c, null);
      }
    }
    return operands;
  }
}
