package dev.ferry.core.edit;

import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * Writes a string as YAML scalar text in a given style, switching to quotes only when the style
 * cannot hold the value: a plain {@code 1.10} would be read back as a float, {@code yes} as a
 * boolean (YAML 1.1, which Helm and Kubernetes still use), {@code a: b} as a mapping.
 *
 * <pre>{@code ScalarText.render("1.10", ScalarStyle.PLAIN, false) // "\"1.10\""}</pre>
 */
final class ScalarText {

  // Plain scalars that YAML 1.1 or 1.2 (core schema) resolve to something other than a string.
  private static final Pattern NOT_A_STRING = Pattern.compile(String.join("|",
      "~|null|Null|NULL",
      "y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF",
      "[-+]?0b[01_]+",
      "[-+]?0o?[0-7_]+",
      "[-+]?(0|[1-9][0-9_]*)",
      "[-+]?0x[0-9a-fA-F_]+",
      "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\\.[0-9_]*)?",
      "[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?",
      "[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+",
      "[-+]?\\.(inf|Inf|INF)",
      "\\.(nan|NaN|NAN)",
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt]|\\s+|$).*",
      "<<|="));

  private ScalarText() {
  }

  /** The text to put in place of a scalar of {@code style} so that it reads back as {@code value}. */
  static String render(String value, ScalarStyle style, boolean inFlow) {
    return switch (style) {
      case PLAIN -> canBePlain(value, inFlow) ? value : doubleQuoted(value);
      case SINGLE_QUOTED -> canBeSingleQuoted(value) ? singleQuoted(value) : doubleQuoted(value);
      default -> doubleQuoted(value);
    };
  }

  /** Whether {@code value} written plain reads back as the same string, in block or flow context. */
  static boolean canBePlain(String value, boolean inFlow) {
    if (value.isEmpty() || NOT_A_STRING.matcher(value).matches()) {
      return false;
    }
    char first = value.charAt(0);
    char last = value.charAt(value.length() - 1);
    if ("-?:,[]{}#&*!|>'\"%@`".indexOf(first) >= 0 || Character.isWhitespace(first)
        || Character.isWhitespace(last) || last == ':') {
      return false;
    }
    if (value.contains(": ") || value.contains(" #") || value.contains(":\t") || value.contains("\t#")) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!printable(c) || c == '\t') {
        return false;
      }
      if (inFlow && ",[]{}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean canBeSingleQuoted(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (!printable(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean printable(char c) {
    return c >= 0x20 && c != 0x7f && !(c >= 0x80 && c < 0xa0) && c != '\uFEFF'
        && c != '\u2028' && c != '\u2029';
  }

  static String singleQuoted(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  static String doubleQuoted(String value) {
    StringBuilder s = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\t' -> s.append("\\t");
        case '\r' -> s.append("\\r");
        default -> {
          if (printable(c) || Character.isSurrogate(c)) {
            s.append(c);
          } else {
            s.append(String.format("\\u%04x", (int) c));
          }
        }
      }
    }
    return s.append('"').toString();
  }
}
