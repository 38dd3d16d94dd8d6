package dev.ferry.core.forge;

/** Text from a forge, made safe to print in a CI log: one line, no control characters, bounded. */
final class Text {

  private Text() {
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String clean = s.replaceAll("[\\p{Cntrl}&&[^\\t]]+", " ").replace('\t', ' ').strip();
    return clean.length() > 300 ? clean.substring(0, 300) + "…" : clean;
  }
}
