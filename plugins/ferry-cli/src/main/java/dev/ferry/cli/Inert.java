package dev.ferry.cli;

/**
 * Makes text from outside (gate answers, git server messages, file contents, arguments) inert
 * before it reaches a CI log: CI runners read lines starting with {@code ::} as commands (GitHub's
 * {@code ::error::}, {@code ::add-mask::}, {@code ::stop-commands::}), and terminals obey ESC and
 * OSC sequences (colours, titles, hyperlinks). So:
 *
 * <ul>
 *   <li>CR, LF and the Unicode line separators inside one line become a visible {@code \n};
 *   <li>other control characters (C0 but tab, DEL, C1, bidirectional overrides) become {@code \}{@code uXXXX};
 *   <li>a line that starts with {@code ::} (after blanks) starts with {@code : :} instead.
 * </ul>
 *
 * <pre>{@code
 * Inert.line("ok\n::error title=x::owned")   // "ok\n::error ..." with a visible \n, one line
 * }</pre>
 *
 * The GitHub action's script ({@code inert} in ferry-action.js) and the Jenkins steps
 * ({@code ferryCli.inert}) apply the same rules to what they print.
 */
final class Inert {

  private Inert() {
  }

  /** One line: no line breaks survive. */
  static String line(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        continue;
      }
      if (c == '\n' || c == '\r' || c == '\u2028' || c == '\u2029' || c == '\u0085') {
        out.append("\\n");
      } else if (c != '\t' && (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)
          || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069'))) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return noCommand(out.toString());
  }

  /** Several lines that Ferry laid out itself: each line made inert, the line breaks kept. */
  static String lines(String text) {
    if (text == null) {
      return "";
    }
    String[] parts = text.split("\r?\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out.append('\n');
      }
      out.append(line(parts[i]));
    }
    return out.toString();
  }

  private static String noCommand(String line) {
    int start = 0;
    while (start < line.length() && Character.isWhitespace(line.charAt(start))) {
      start++;
    }
    return line.startsWith("::", start) ? line.substring(0, start) + ": :" + line.substring(start + 2) : line;
  }
}
