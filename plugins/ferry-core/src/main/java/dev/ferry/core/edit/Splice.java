package dev.ferry.core.edit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Replaces the text between two UTF-16 indexes of the original text. Every edit is a list of
 * splices computed against the same original, applied from the end so earlier indexes stay valid.
 *
 * @param start first index replaced
 * @param end index after the last one replaced ({@code start} for an insertion)
 * @param text what goes there
 */
record Splice(int start, int end, String text) {

  /**
   * Applies {@code splices} to {@code text}; returns {@code text} itself (the same instance) when
   * there are none. Insertions at the same index keep the order of the list.
   */
  static String apply(String text, List<Splice> splices) {
    if (splices.isEmpty()) {
      return text;
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < splices.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.<Integer>comparingInt(i -> splices.get(i).start()).reversed()
        .thenComparing(Comparator.<Integer>naturalOrder().reversed()));
    StringBuilder s = new StringBuilder(text);
    int limit = Integer.MAX_VALUE;
    for (int i : order) {
      Splice sp = splices.get(i);
      if (sp.end() > limit) {
        throw new IllegalStateException("overlapping edits at " + sp.start());
      }
      s.replace(sp.start(), sp.end(), sp.text());
      limit = sp.start();
    }
    String result = s.toString();
    return result.equals(text) ? text : result;
  }
}
