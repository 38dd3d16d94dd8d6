package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.DocumentStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * A YAML text parsed into a light tree that remembers, for every node, where it sits in the text
 * (UTF-16 indexes into the original String). Built from SnakeYAML Engine's events rather than its
 * node graph because the events keep aliases and merge keys visible, which the editor must refuse.
 *
 * <pre>{@code YamlTree tree = YamlTree.parse("values.yaml", text);}</pre>
 */
final class YamlTree {

  /** A node of the tree; {@code start}/{@code end} are UTF-16 indexes into the text. */
  sealed interface Node permits Scalar, Mapping, Sequence, Alias {
    int start();

    int end();

    Position position();

    boolean inFlow();
  }

  /** 1-based line and column (in code points, as editors show them). */
  record Position(int line, int column) {
  }

  /**
   * A scalar. {@code start} is where its own text begins (after any anchor or tag), {@code end}
   * after its last character (the closing quote for quoted styles).
   */
  record Scalar(String value, ScalarStyle style, boolean hasAnchor, boolean hasTag, int start, int end,
      Position position, boolean inFlow) implements Node {

    boolean isPlainEmpty() {
      return style == ScalarStyle.PLAIN && start == end;
    }

    boolean isBlock() {
      return style == ScalarStyle.LITERAL || style == ScalarStyle.FOLDED;
    }
  }

  record Entry(Node key, Node value) {
  }

  record Mapping(List<Entry> entries, boolean flow, int start, int end, Position position, boolean inFlow)
      implements Node {

    /** The value under a plain key, or empty; a duplicate key is refused when parsing. */
    Optional<Entry> entry(String key) {
      for (Entry e : entries) {
        if (e.key() instanceof Scalar s && s.value().equals(key)) {
          return Optional.of(e);
        }
      }
      return Optional.empty();
    }
  }

  record Sequence(List<Node> items, boolean flow, int start, int end, Position position, boolean inFlow)
      implements Node {
  }

  record Alias(String anchor, int start, int end, Position position, boolean inFlow) implements Node {
  }

  /** One document of the stream; {@code root} is null for an empty document. */
  record Document(int index, Node root) {
  }

  final String fileName;
  final String text;
  final List<Document> documents;
  private final int[] codePointToChar;

  private YamlTree(String fileName, String text, List<Document> documents, int[] codePointToChar) {
    this.fileName = fileName;
    this.text = text;
    this.documents = documents;
    this.codePointToChar = codePointToChar;
  }

  /**
   * Parses {@code text}.
   *
   * @throws InputException with file:line:column when the text is not valid YAML
   */
  static YamlTree parse(String fileName, String text) {
    int[] map = codePointMap(text);
    Builder b = new Builder(fileName, text, map);
    try {
      LoadSettings settings = LoadSettings.builder().setLabel(fileName).setAllowDuplicateKeys(true)
          .setCodePointLimit(Integer.MAX_VALUE).build();
      for (Event e : new Parse(settings).parseString(text)) {
        b.accept(e);
      }
    } catch (MarkedYamlEngineException e) {
      Mark m = e.getProblemMark().or(e::getContextMark).orElse(null);
      String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
      String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
      throw new InputException("invalid YAML: " + problem + context,
          m == null ? SourceLocation.of(fileName, 0, 0)
              : SourceLocation.of(fileName, m.getLine() + 1, m.getColumn() + 1),
          "fix the YAML syntax first; Ferry edits only files it can parse", e);
    } catch (YamlEngineException e) {
      throw new InputException("invalid YAML: " + e.getMessage(), SourceLocation.of(fileName, 0, 0),
          "fix the YAML syntax first; Ferry edits only files it can parse", e);
    }
    return new YamlTree(fileName, text, List.copyOf(b.documents), map);
  }

  /** Maps code point indexes (as SnakeYAML's marks count) to UTF-16 indexes; null when equal. */
  private static int[] codePointMap(String text) {
    int cps = text.codePointCount(0, text.length());
    if (cps == text.length()) {
      return null;
    }
    int[] map = new int[cps + 1];
    int ch = 0;
    for (int cp = 0; cp < cps; cp++) {
      map[cp] = ch;
      ch += Character.charCount(text.codePointAt(ch));
    }
    map[cps] = ch;
    return map;
  }

  int charIndex(int codePointIndex) {
    if (codePointToChar == null) {
      return codePointIndex;
    }
    return codePointToChar[Math.min(codePointIndex, codePointToChar.length - 1)];
  }

  SourceLocation location(Node node) {
    return SourceLocation.of(fileName, node.position().line(), node.position().column());
  }

  /** The line ending the file uses: CRLF when its first line break is one. */
  String lineBreak() {
    int nl = text.indexOf('\n');
    return nl > 0 && text.charAt(nl - 1) == '\r' ? "\r\n" : "\n";
  }

  /** Column (0-based, in UTF-16 chars) of a text index: its distance from the previous line break. */
  int columnOf(int index) {
    int lineStart = text.lastIndexOf('\n', index - 1) + 1;
    int col = index - lineStart;
    if (lineStart == 0 && text.startsWith("\uFEFF")) {
      col--;
    }
    return col;
  }

  /** Builds nodes from the event stream with a stack of open collections. */
  private static final class Builder {
    private final String fileName;
    private final String text;
    private final int[] map;
    final List<Document> documents = new ArrayList<>();
    private final List<Object[]> stack = new ArrayList<>(); // {kind, children, startEvent}
    private Node root;
    private int flowDepth;

    Builder(String fileName, String text, int[] map) {
      this.fileName = fileName;
      this.text = text;
      this.map = map;
    }

    private int idx(Optional<Mark> mark) {
      int cp = mark.map(Mark::getIndex).orElse(0);
      return map == null ? cp : map[Math.min(cp, map.length - 1)];
    }

    private Position pos(Optional<Mark> mark) {
      return mark.map(m -> new Position(m.getLine() + 1, m.getColumn() + 1)).orElse(new Position(0, 0));
    }

    void accept(Event e) {
      switch (e.getEventId()) {
        case DocumentStart -> root = null;
        case DocumentEnd -> documents.add(new Document(documents.size(), root));
        case Scalar -> {
          ScalarEvent s = (ScalarEvent) e;
          int start = idx(s.getStartMark());
          int end = idx(s.getEndMark());
          boolean anchored = s.getAnchor().isPresent();
          boolean tagged = s.getTag().isPresent();
          if (anchored || tagged) {
            start = skipProperties(start, end);
          }
          add(new Scalar(s.getValue(), s.getScalarStyle(), anchored, tagged, start, end,
              pos(s.getStartMark()), flowDepth > 0));
        }
        case Alias -> {
          AliasEvent a = (AliasEvent) e;
          add(new Alias(a.getAlias().getValue(), idx(a.getStartMark()), idx(a.getEndMark()),
              pos(a.getStartMark()), flowDepth > 0));
        }
        case MappingStart, SequenceStart -> {
          CollectionStartEvent c = (CollectionStartEvent) e;
          stack.add(new Object[] {c, new ArrayList<Node>(), flowDepth > 0});
          if (c.isFlow()) {
            flowDepth++;
          }
        }
        case MappingEnd, SequenceEnd -> {
          Object[] top = stack.remove(stack.size() - 1);
          CollectionStartEvent c = (CollectionStartEvent) top[0];
          @SuppressWarnings("unchecked")
          List<Node> children = (List<Node>) top[1];
          boolean inFlow = (Boolean) top[2];
          if (c.isFlow()) {
            flowDepth--;
          }
          int start = idx(c.getStartMark());
          int end = idx(e.getEndMark());
          if (e.getEventId() == Event.ID.MappingEnd) {
            List<Entry> entries = new ArrayList<>();
            for (int i = 0; i + 1 < children.size(); i += 2) {
              Node key = children.get(i);
              if (key instanceof Scalar k) {
                for (Entry seen : entries) {
                  if (seen.key() instanceof Scalar sk && sk.value().equals(k.value())) {
                    throw new InputException("duplicate key '" + k.value() + "'",
                        SourceLocation.of(fileName, k.position().line(), k.position().column()),
                        "remove one of the two entries; YAML tools disagree on which one wins", null);
                  }
                }
              }
              entries.add(new Entry(key, children.get(i + 1)));
            }
            add(new Mapping(List.copyOf(entries), c.isFlow(), start, end, pos(c.getStartMark()), inFlow));
          } else {
            add(new Sequence(List.copyOf(children), c.isFlow(), start, end, pos(c.getStartMark()), inFlow));
          }
        }
        default -> {
          // stream start/end and comments carry nothing the editor needs
        }
      }
    }

    @SuppressWarnings("unchecked")
    private void add(Node node) {
      if (stack.isEmpty()) {
        root = node;
      } else {
        ((List<Node>) stack.get(stack.size() - 1)[1]).add(node);
      }
    }

    /** The event of an anchored or tagged scalar starts at its '&' or '!': skip to the scalar. */
    private int skipProperties(int start, int end) {
      int i = start;
      while (i < end && (text.charAt(i) == '&' || text.charAt(i) == '!')) {
        if (text.startsWith("!<", i)) {
          i = text.indexOf('>', i) + 1;
        } else {
          while (i < end && !Character.isWhitespace(text.charAt(i))) {
            i++;
          }
        }
        while (i < end && Character.isWhitespace(text.charAt(i))) {
          i++;
        }
      }
      return i;
    }
  }

  static boolean isMergeKey(Node key) {
    return key instanceof Scalar s && s.style() == ScalarStyle.PLAIN && s.value().equals("<<");
  }
}
