package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Reads composed YAML nodes: the validator and the builder share it so both see the same tree. */
final class NodeReader {

  private final String fileName;

  NodeReader(String fileName) {
    this.fileName = fileName;
  }

  SourceLocation at(Node node) {
    return node.getStartMark()
        .map(m -> SourceLocation.of(fileName, m.getLine() + 1, m.getColumn() + 1))
        .orElse(SourceLocation.of(fileName, 0, 0));
  }

  /** Entries of a mapping by key text, first occurrence wins; keys that are not scalars are skipped. */
  static Map<String, NodeTuple> entries(Node node) {
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    if (node instanceof MappingNode mapping) {
      for (NodeTuple tuple : mapping.getValue()) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
          entries.putIfAbsent(key.getValue(), tuple);
        }
      }
    }
    return entries;
  }

  static Node value(Node mapping, String key) {
    NodeTuple tuple = entries(mapping).get(key);
    return tuple == null ? null : tuple.getValueNode();
  }

  static boolean isNull(Node node) {
    return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
  }

  /** The text of a scalar, or null when absent or null. */
  static String text(Node node) {
    return !isNull(node) && node instanceof ScalarNode s ? s.getValue() : null;
  }

  static String text(Node mapping, String key) {
    return text(value(mapping, key));
  }

  static List<Node> items(Node node) {
    return node instanceof SequenceNode seq ? seq.getValue() : List.of();
  }

  static String kindOf(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return isNull(node) ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
  }

  /** Plain Java values for untyped settings: String, Long, Double, Boolean, List, Map; null for null. */
  static Object plain(Node node) {
    if (node instanceof MappingNode) {
      Map<String, Object> map = new LinkedHashMap<>();
      entries(node).forEach((k, t) -> map.put(k, plain(t.getValueNode())));
      return java.util.Collections.unmodifiableMap(map);
    }
    if (node instanceof SequenceNode seq) {
      List<Object> list = new ArrayList<>();
      seq.getValue().forEach(n -> list.add(plain(n)));
      return java.util.Collections.unmodifiableList(list);
    }
    ScalarNode scalar = (ScalarNode) node;
    String v = scalar.getValue();
    Tag tag = scalar.getTag();
    try {
      if (tag.equals(Tag.NULL)) {
        return null;
      } else if (tag.equals(Tag.BOOL)) {
        return Boolean.parseBoolean(v);
      } else if (tag.equals(Tag.INT)) {
        return Long.parseLong(v);
      } else if (tag.equals(Tag.FLOAT)) {
        return Double.parseDouble(v);
      }
    } catch (NumberFormatException e) {
      // YAML allows forms Java does not parse (0o17, .inf); the gate sees the text then
    }
    return v;
  }
}
