package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import java.util.ArrayList;
import java.util.List;

/**
 * A path to a node in a YAML document: keys separated by dots, sequence indexes in brackets, and
 * keys that hold dots or brackets quoted in brackets.
 *
 * <pre>{@code
 * YamlPath.parse("spec.template.spec.containers[0].image");
 * YamlPath.parse("annotations[\"example.com/image\"]");
 * }</pre>
 *
 * @param segments the keys ({@link Key}) and indexes ({@link Index}) from the root down
 */
public record YamlPath(List<Segment> segments) {

  /** One step of a path. */
  public sealed interface Segment permits Key, Index {
  }

  /** A mapping key. */
  public record Key(String name) implements Segment {
    @Override
    public String toString() {
      return name.matches("[A-Za-z0-9_/-]+") ? name : "[\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }
  }

  /** A sequence index, from 0. */
  public record Index(int index) implements Segment {
    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }

  public YamlPath {
    segments = List.copyOf(segments);
    if (segments.isEmpty()) {
      throw new IllegalArgumentException("a path has at least one segment");
    }
  }

  /** This path with one more key at its end. */
  public YamlPath child(String key) {
    List<Segment> s = new ArrayList<>(segments);
    s.add(new Key(key));
    return new YamlPath(s);
  }

  /** The path without its last segment, or null for a one-segment path. */
  YamlPath parent() {
    return segments.size() == 1 ? null : new YamlPath(segments.subList(0, segments.size() - 1));
  }

  Segment last() {
    return segments.get(segments.size() - 1);
  }

  /**
   * Parses {@code a.b[0].c} and {@code ["key.with.dots"]} (single or double quotes).
   *
   * @throws InputException saying where the path is malformed
   */
  public static YamlPath parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InputException("empty YAML path; write it as a.b[0].c");
    }
    List<Segment> segments = new ArrayList<>();
    int i = 0;
    int n = text.length();
    boolean needKey = true;
    while (i < n) {
      char c = text.charAt(i);
      if (c == '[') {
        int close;
        if (i + 1 < n && (text.charAt(i + 1) == '"' || text.charAt(i + 1) == '\'')) {
          char quote = text.charAt(i + 1);
          StringBuilder key = new StringBuilder();
          int j = i + 2;
          while (j < n && text.charAt(j) != quote) {
            if (text.charAt(j) == '\\' && j + 1 < n) {
              j++;
            }
            key.append(text.charAt(j++));
          }
          if (j + 1 >= n || text.charAt(j + 1) != ']') {
            throw malformed(text, i, "a quoted key in brackets ends with " + quote + "]");
          }
          segments.add(new Key(key.toString()));
          close = j + 1;
        } else {
          close = text.indexOf(']', i);
          if (close < 0) {
            throw malformed(text, i, "'[' without ']'");
          }
          String number = text.substring(i + 1, close);
          if (!number.matches("[0-9]{1,9}")) {
            throw malformed(text, i, "an index in brackets is a number from 0; quote keys as [\"key\"]");
          }
          segments.add(new Index(Integer.parseInt(number)));
        }
        i = close + 1;
        needKey = false;
        if (i < n && text.charAt(i) == '.') {
          i++;
          needKey = true;
          if (i == n) {
            throw malformed(text, i, "the path ends with '.'");
          }
        }
      } else if (c == '.') {
        throw malformed(text, i, "an empty key between dots");
      } else {
        int j = i;
        while (j < n && text.charAt(j) != '.' && text.charAt(j) != '[') {
          if (text.charAt(j) == ']') {
            throw malformed(text, j, "']' without '['");
          }
          j++;
        }
        if (!needKey) {
          throw malformed(text, i, "a '.' is needed before a key that follows ']'");
        }
        segments.add(new Key(text.substring(i, j)));
        i = j;
        needKey = false;
        if (i < n && text.charAt(i) == '.') {
          i++;
          needKey = true;
          if (i == n) {
            throw malformed(text, i, "the path ends with '.'");
          }
        }
      }
    }
    return new YamlPath(segments);
  }

  private static InputException malformed(String text, int at, String why) {
    return new InputException("invalid YAML path '" + text + "' at character " + (at + 1) + ": " + why,
        null, "write paths as a.b[0].c, and keys with dots as [\"a.b\"]", null);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (Segment seg : segments) {
      String part = seg.toString();
      if (s.length() > 0 && !part.startsWith("[")) {
        s.append('.');
      }
      s.append(part);
    }
    return s.toString();
  }
}
