package dev.ferry.core.git;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the trailers of a commit message: the last paragraph, when every line of it is a
 * {@code Key: value} line (as Ferry writes them).
 *
 * <pre>{@code Trailers.parse("Promote web\n\nFerry-Service: web\n") // [Ferry-Service: web]}</pre>
 */
final class Trailers {

  private static final Pattern LINE = Pattern.compile("([A-Za-z0-9][A-Za-z0-9-]*):\\s?(.*)");

  private Trailers() {
  }

  static List<Trailer> parse(String message) {
    String[] paragraphs = message.strip().split("\\n\\s*\\n");
    if (paragraphs.length < 2) {
      return List.of();
    }
    List<Trailer> out = new ArrayList<>();
    for (String line : paragraphs[paragraphs.length - 1].split("\\n")) {
      Matcher m = LINE.matcher(line.strip());
      if (!m.matches()) {
        return List.of();
      }
      out.add(new Trailer(m.group(1), m.group(2).strip()));
    }
    return out;
  }
}
