package dev.ferry.core.config;

import java.util.regex.Pattern;

/**
 * The grammar of the names in {@code ferry.yaml}: services, environments and repositories. It is
 * the contract every front end checks a name against before it reaches a command line, so that a
 * name can never be read as an option ({@code --approved-by=alice}) or a file ({@code @a.txt}):
 *
 * <pre>{@code
 * Names.valid("web");             // true
 * Names.valid("--approved-by");   // false
 * }</pre>
 *
 * The Jenkins steps (vars/) and the GitHub action's script hold a copy of {@link #GRAMMAR}; their
 * tests compare the copy with the one the CLI writes into docs/json/contract.json.
 */
public final class Names {

  /** Letters, digits, '.', '_' and '-', starting with a letter or digit. */
  public static final String GRAMMAR = "[A-Za-z0-9][A-Za-z0-9._-]*";

  /** How {@link #GRAMMAR} reads in an error message. */
  public static final String RULE = "may only hold letters, digits, '.', '_' and '-', starting with a letter or digit";

  private static final Pattern PATTERN = Pattern.compile(GRAMMAR);

  private Names() {
  }

  public static boolean valid(String name) {
    return name != null && PATTERN.matcher(name).matches();
  }

  /** Up to how many names an error lists in full. */
  static final int LISTED = 12;
  /** How many of the closest names it offers beyond that. */
  private static final int CLOSEST = 3;

  /**
   * The names an error about {@code wrong} offers: all of them when they are few, else how many
   * there are and the {@value #CLOSEST} closest to it by edit distance (a platform's 1,000 services
   * in one line help nobody find the typo).
   */
  public static String known(String wrong, java.util.Collection<String> names) {
    if (names.size() <= LISTED) {
      return "known: " + String.join(", ", names);
    }
    java.util.List<String> closest = names.stream()
        .sorted(java.util.Comparator.comparingInt((String n) -> distance(wrong, n)).thenComparing(n -> n))
        .limit(CLOSEST).toList();
    return String.format(java.util.Locale.ROOT, "%,d known; the closest: %s", names.size(), String.join(", ", closest));
  }

  /** Levenshtein distance, two rows. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
