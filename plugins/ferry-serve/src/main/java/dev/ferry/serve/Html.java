package dev.ferry.serve;

/**
 * Builds HTML text: every value from outside (names, images, reasons, user names, commit subjects)
 * goes through {@link #text}, which escapes it for element content and quoted attributes alike.
 *
 * <pre>{@code new Html().open("td", "class", "cell").text(cell.image()).close("td").toString()}</pre>
 */
final class Html {

  private final StringBuilder out;

  Html() {
    this(new StringBuilder(4096));
  }

  Html(StringBuilder out) {
    this.out = out;
  }

  /** Escapes {@code & < > " '} so that the text can neither open a tag nor leave an attribute. */
  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder b = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String r = switch (c) {
        case '&' -> "&amp;";
        case '<' -> "&lt;";
        case '>' -> "&gt;";
        case '"' -> "&quot;";
        case '\'' -> "&#39;";
        default -> null;
      };
      if (r != null) {
        if (b == null) {
          b = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        b.append(r);
      } else if (b != null) {
        b.append(c);
      }
    }
    return b == null ? text : b.toString();
  }

  /** Escapes a query-string value. */
  static String query(String text) {
    return java.net.URLEncoder.encode(text == null ? "" : text, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** An opening tag; {@code attributes} are name, value pairs, values escaped; a null value drops the pair. */
  Html open(String tag, String... attributes) {
    out.append('<').append(tag);
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      if (attributes[i + 1] != null) {
        out.append(' ').append(attributes[i]).append("=\"").append(escape(attributes[i + 1])).append('"');
      }
    }
    out.append('>');
    return this;
  }

  Html close(String tag) {
    out.append("</").append(tag).append('>');
    return this;
  }

  /** An element holding escaped text. */
  Html element(String tag, String text, String... attributes) {
    return open(tag, attributes).text(text).close(tag);
  }

  Html text(String text) {
    out.append(escape(text));
    return this;
  }

  /** Markup written by this package, never text from outside. */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  Html link(String href, String text, String... attributes) {
    String[] all = new String[attributes.length + 2];
    all[0] = "href";
    all[1] = href;
    System.arraycopy(attributes, 0, all, 2, attributes.length);
    return element("a", text, all);
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
