package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.edit.YamlTree.Alias;
import dev.ferry.core.edit.YamlTree.Document;
import dev.ferry.core.edit.YamlTree.Entry;
import dev.ferry.core.edit.YamlTree.Mapping;
import dev.ferry.core.edit.YamlTree.Node;
import dev.ferry.core.edit.YamlTree.Scalar;
import dev.ferry.core.edit.YamlTree.Sequence;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * Sets one scalar of a YAML text and leaves every other byte as it was: comments, blank lines, key
 * order, indentation, quoting, anchors, CRLF line endings, a byte-order mark, a missing final
 * newline. The text is parsed only to find where the scalar is; the new value is spliced into the
 * original string.
 *
 * <pre>{@code
 * String after = YamlEditor.set("values.yaml", before, YamlPath.parse("image.tag"), "1.4.2",
 *     DocumentSelector.single());
 * boolean changed = after != before;
 * }</pre>
 *
 * <p>A missing key is added only when that is unambiguous: the last key of the path, under a block
 * mapping that exists and has no merge key ({@code <<}). Aliases, merge keys and block scalars
 * ({@code |}, {@code >}) are refused rather than guessed at.
 */
public final class YamlEditor {

  private YamlEditor() {
  }

  /**
   * Returns {@code text} with the scalar at {@code path} set to {@code value}, or the same String
   * instance when it already holds that value.
   *
   * @throws InputException with file:line:column for invalid YAML, a path that does not exist and
   *     cannot be created, a target that is an alias, a merge key, a collection or a block scalar
   */
  public static String set(String fileName, String text, YamlPath path, String value, DocumentSelector selector) {
    YamlTree tree = YamlTree.parse(fileName, text);
    List<Splice> splices = new ArrayList<>();
    List<Document> docs = select(tree, selector);
    if (selector.mode() == DocumentSelector.Mode.ALL) {
      List<Document> having = docs.stream().filter(d -> walk(tree, d.root(), path).found() != null).toList();
      if (having.isEmpty()) {
        // nothing to add a key to unambiguously when no document has the path
        Document first = docs.get(0);
        throw missing(tree, path, walk(tree, first.root(), path));
      }
      docs = having;
    }
    for (Document doc : docs) {
      setOrAdd(tree, doc.root(), path, value).ifPresent(splices::add);
    }
    return Splice.apply(text, splices);
  }

  /** Reads the scalar at {@code path} in the selected documents (the first that has it). */
  public static Optional<String> get(String fileName, String text, YamlPath path, DocumentSelector selector) {
    YamlTree tree = YamlTree.parse(fileName, text);
    for (Document doc : select(tree, selector)) {
      Node n = walk(tree, doc.root(), path).found();
      if (n instanceof Scalar s && !(s.isPlainEmpty())) {
        return Optional.of(s.value());
      }
    }
    return Optional.empty();
  }

  // ---- documents

  static List<Document> select(YamlTree tree, DocumentSelector selector) {
    List<Document> nonEmpty = tree.documents.stream().filter(d -> d.root() != null).toList();
    SourceLocation file = SourceLocation.of(tree.fileName, 0, 0);
    if (nonEmpty.isEmpty()) {
      throw new InputException("the file has no YAML document", file);
    }
    return switch (selector.mode()) {
      case ALL -> nonEmpty;
      case SINGLE -> {
        if (nonEmpty.size() > 1) {
          throw new InputException("the file has " + nonEmpty.size() + " YAML documents", file,
              "choose one with --document N (from 0) or --select kind=Deployment,name=web", null);
        }
        yield nonEmpty;
      }
      case INDEX -> {
        if (selector.index() >= tree.documents.size() || tree.documents.get(selector.index()).root() == null) {
          throw new InputException("the file has no document " + selector.index() + " (it has "
              + tree.documents.size() + ", counted from 0)", file);
        }
        yield List.of(tree.documents.get(selector.index()));
      }
      case MATCH -> {
        List<Document> matching = new ArrayList<>();
        for (Document d : nonEmpty) {
          boolean all = true;
          for (var f : selector.fields().entrySet()) {
            Node n = walk(tree, d.root(), DocumentSelector.fieldPath(f.getKey())).found();
            all &= n instanceof Scalar s && s.value().equals(f.getValue());
          }
          if (all) {
            matching.add(d);
          }
        }
        if (matching.size() != 1) {
          throw new InputException((matching.isEmpty() ? "no" : matching.size()) + " documents match "
              + selector.fields().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")), file,
              matching.isEmpty() ? "check kind and metadata.name of the documents"
                  : "add fields to the selector (kind, name, namespace) so that one document matches", null);
        }
        yield matching;
      }
    };
  }

  // ---- finding nodes

  /**
   * Where a walk down a path stopped: {@code found} when the whole path exists; otherwise the
   * deepest node reached and how many segments matched.
   */
  record Walk(Node found, Node deepest, int matched) {
  }

  static Walk walk(YamlTree tree, Node root, YamlPath path) {
    Node node = root;
    List<YamlPath.Segment> segments = path.segments();
    for (int i = 0; i < segments.size(); i++) {
      YamlPath.Segment seg = segments.get(i);
      if (node instanceof Alias a) {
        throw new InputException("'" + new YamlPath(segments.subList(0, i)) + "' is an alias (*" + a.anchor()
            + "); Ferry does not edit through aliases", tree.location(a),
            "edit the anchored node, or replace the alias with its own value", null);
      }
      Node next = null;
      if (seg instanceof YamlPath.Key key && node instanceof Mapping m) {
        if (key.name().equals("<<")) {
          throw mergeKey(tree, m, path);
        }
        next = m.entry(key.name()).map(Entry::value).orElse(null);
      } else if (seg instanceof YamlPath.Index index && node instanceof Sequence s) {
        next = index.index() < s.items().size() ? s.items().get(index.index()) : null;
      }
      if (next == null) {
        return new Walk(null, node, i);
      }
      node = next;
    }
    return new Walk(node, node, segments.size());
  }

  private static InputException mergeKey(YamlTree tree, Node at, YamlPath path) {
    return new InputException("'" + path + "' goes through a merge key (<<); Ferry does not edit merged values",
        tree.location(at), "set the value in the mapping the merge key refers to, or write the key explicitly", null);
  }

  static InputException missing(YamlTree tree, YamlPath path, Walk walk) {
    YamlPath.Segment seg = path.segments().get(walk.matched());
    String where = walk.matched() == 0 ? "the document" : "'" + new YamlPath(path.segments().subList(0, walk.matched())) + "'";
    String why;
    if (walk.deepest() instanceof Mapping m && seg instanceof YamlPath.Key k) {
      why = where + " has no key '" + k.name() + "' (keys: " + m.entries().stream()
          .map(e -> e.key() instanceof Scalar s ? s.value() : "?").collect(Collectors.joining(", ")) + ")";
    } else if (walk.deepest() instanceof Sequence s && seg instanceof YamlPath.Index i) {
      why = where + " has " + s.items().size() + " items; there is no [" + i.index() + "]";
    } else {
      why = where + " is " + describe(walk.deepest()) + ", not a " + (seg instanceof YamlPath.Key ? "mapping" : "sequence");
    }
    return new InputException("path '" + path + "' not found: " + why, tree.location(walk.deepest()),
        "check the path; Ferry adds only a missing last key under an existing block mapping", null);
  }

  static String describe(Node n) {
    if (n instanceof Mapping) {
      return "a mapping";
    } else if (n instanceof Sequence) {
      return "a sequence";
    } else if (n instanceof Alias a) {
      return "an alias (*" + a.anchor() + ")";
    }
    Scalar s = (Scalar) n;
    return s.isPlainEmpty() ? "empty" : "the scalar '" + s.value() + "'";
  }

  // ---- edits

  /** Sets the scalar at {@code path}, adding the last key when unambiguous; empty when unchanged. */
  static Optional<Splice> setOrAdd(YamlTree tree, Node root, YamlPath path, String value) {
    Walk walk = walk(tree, root, path);
    if (walk.found() != null) {
      return setScalar(tree, walk.found(), path, value);
    }
    if (walk.matched() == path.segments().size() - 1 && path.last() instanceof YamlPath.Key key
        && walk.deepest() instanceof Mapping m) {
      return Optional.of(addKey(tree, m, key.name(), value, path));
    }
    throw missing(tree, path, walk);
  }

  /** The splice that sets a scalar node to {@code value}; empty when it already holds it. */
  static Optional<Splice> setScalar(YamlTree tree, Node node, YamlPath path, String value) {
    if (node instanceof Alias a) {
      throw new InputException("'" + path + "' is an alias (*" + a.anchor() + "); Ferry does not edit through aliases",
          tree.location(a), "edit the anchored value, or replace the alias with its own value", null);
    }
    if (!(node instanceof Scalar s)) {
      throw new InputException("'" + path + "' is " + describe(node) + ", not a scalar", tree.location(node),
          "point the path at a single value", null);
    }
    if (s.isBlock()) {
      throw new InputException("'" + path + "' is a block scalar (" + (s.style() == ScalarStyle.LITERAL ? "|" : ">")
          + "); Ferry does not rewrite multi-line block scalars", tree.location(s),
          "write the value on one line (key: value) and run again", null);
    }
    boolean sameText = s.value().equals(value) && !s.isPlainEmpty();
    if (sameText && (s.style() != ScalarStyle.PLAIN || s.hasTag() || ScalarText.canBePlain(value, s.inFlow()))) {
      return Optional.empty();
    }
    String rendered = ScalarText.render(value, s.style(), s.inFlow());
    if (s.isPlainEmpty()) {
      char before = s.start() > 0 ? tree.text.charAt(s.start() - 1) : '\n';
      return Optional.of(new Splice(s.start(), s.end(), (before == ' ' || before == '\t' ? "" : " ") + rendered));
    }
    return Optional.of(new Splice(s.start(), s.end(), rendered));
  }

  /** Adds {@code key: value} as the last entry of a block mapping, indented like its other keys. */
  static Splice addKey(YamlTree tree, Mapping m, String key, String value, YamlPath path) {
    return addLines(tree, m, List.of(ScalarText.render(key, ScalarStyle.PLAIN, false) + ": "
        + ScalarText.render(value, ScalarStyle.PLAIN, false)), path);
  }

  /** Adds lines (without indentation and line breaks) after the last entry of a block mapping. */
  static Splice addLines(YamlTree tree, Mapping m, List<String> lines, YamlPath path) {
    if (m.flow() || m.entries().isEmpty()) {
      throw new InputException("cannot add to '" + path + "': it is " + (m.flow() ? "a flow mapping {...}" : "empty"),
          tree.location(m), "add the key by hand once; Ferry then keeps it up to date", null);
    }
    for (Entry e : m.entries()) {
      if (YamlTree.isMergeKey(e.key())) {
        throw new InputException("cannot add a key next to a merge key (<<) at '" + path + "': which value wins"
            + " would change", tree.location(e.key()), "write the key explicitly in the mapping", null);
      }
    }
    int indent = tree.columnOf(m.entries().get(0).key().start());
    String pad = " ".repeat(Math.max(indent, 0));
    String br = tree.lineBreak();
    int after = contentEnd(m);
    // a block scalar's end already includes its line break
    int nl = after > 0 && tree.text.charAt(after - 1) == '\n' ? after - 1 : tree.text.indexOf('\n', after);
    StringBuilder s = new StringBuilder();
    if (nl < 0) {
      for (String line : lines) {
        s.append(br).append(pad).append(line);
      }
      return new Splice(tree.text.length(), tree.text.length(), s.toString());
    }
    for (String line : lines) {
      s.append(pad).append(line).append(br);
    }
    return new Splice(nl + 1, nl + 1, s.toString());
  }

  /** Index after the last character that belongs to a node (for block collections: their last child). */
  static int contentEnd(Node n) {
    if (n instanceof Mapping m && !m.flow() && !m.entries().isEmpty()) {
      Entry last = m.entries().get(m.entries().size() - 1);
      return Math.max(contentEnd(last.value()), last.key().end());
    }
    if (n instanceof Sequence s && !s.flow() && !s.items().isEmpty()) {
      return contentEnd(s.items().get(s.items().size() - 1));
    }
    return n.end();
  }

  /**
   * Removes one entry of a block mapping with its line. An entry that follows a sequence dash
   * ({@code - digest: x}) is removed up to the next key, which moves up beside the dash.
   */
  static Splice removeEntry(YamlTree tree, Mapping m, Entry entry, YamlPath path) {
    String text = tree.text;
    int keyStart = entry.key().start();
    int lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
    String before = text.substring(lineStart, keyStart);
    int index = m.entries().indexOf(entry);
    if (m.flow() || !(entry.value() instanceof Scalar) || ((Scalar) entry.value()).isBlock()) {
      throw new InputException("cannot remove '" + path + "' in place", tree.location(entry.key()),
          "remove it by hand", null);
    }
    if (before.isBlank()) {
      int end = entry.value().end();
      int nl = text.indexOf('\n', end);
      if (nl < 0 && lineStart > 0) {
        // the last line has no line break: take the one before it, so the file still ends without one
        int from = lineStart - 1 > 0 && text.charAt(lineStart - 2) == '\r' ? lineStart - 2 : lineStart - 1;
        return new Splice(from, text.length(), "");
      }
      return new Splice(lineStart, nl < 0 ? text.length() : nl + 1, "");
    }
    if (before.trim().equals("-") && index + 1 < m.entries().size()) {
      return new Splice(keyStart, m.entries().get(index + 1).key().start(), "");
    }
    throw new InputException("cannot remove '" + path + "' in place", tree.location(entry.key()), "remove it by hand", null);
  }
}
