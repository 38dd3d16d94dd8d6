package dev.ferry.image.yaml;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * A small YAML file (a policy, a test spec) read as a tree whose every value knows its
 * {@code file:line:column}, so that errors point at the place to fix. Unknown keys are refused,
 * naming the valid ones.
 *
 * <pre>{@code
 * YamlDocument.Value root = YamlDocument.read(Path.of("policy.yaml"));
 * root.allowKeys("failOn", "ignore");
 * String failOn = root.get("failOn").map(YamlDocument.Value::text).orElse("HIGH");
 * }</pre>
 */
public final class YamlDocument {

  private YamlDocument() {
  }

  /** Reads {@code file}; an empty file is an empty mapping. */
  public static Value read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException("cannot read " + file + ": " + e.getMessage());
    }
    return parse(file.toString(), text);
  }

  /** Parses {@code text}, naming {@code file} in errors. */
  public static Value parse(String file, String text) {
    try {
      Optional<Node> node = new Compose(LoadSettings.builder().setLabel(file).build()).composeString(text);
      if (node.isEmpty()) {
        return new Value(file, new MappingNode(org.snakeyaml.engine.v2.nodes.Tag.MAP, List.of(),
            org.snakeyaml.engine.v2.common.FlowStyle.BLOCK));
      }
      return new Value(file, node.get());
    } catch (MarkedYamlEngineException e) {
      int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
      int col = e.getProblemMark().map(m -> m.getColumn() + 1).orElse(0);
      throw new InputException("not valid YAML: " + e.getProblem(), SourceLocation.of(file, line, col));
    } catch (YamlEngineException e) {
      throw new InputException("not valid YAML: " + e.getMessage(), SourceLocation.of(file, 0, 0));
    }
  }

  /** A node of the tree with its place in the file. */
  public static final class Value {
    private final String file;
    private final Node node;

    Value(String file, Node node) {
      this.file = file;
      this.node = node;
    }

    public SourceLocation location() {
      return node.getStartMark()
          .map(m -> SourceLocation.of(file, m.getLine() + 1, m.getColumn() + 1))
          .orElse(SourceLocation.of(file, 0, 0));
    }

    /** An error at this value. */
    public InputException error(String message) {
      return new InputException(message, location());
    }

    public boolean isMapping() {
      return node instanceof MappingNode;
    }

    public boolean isList() {
      return node instanceof SequenceNode;
    }

    public boolean isScalar() {
      return node instanceof ScalarNode;
    }

    /** The entries of a mapping, in file order. */
    public Map<String, Value> entries(String what) {
      if (!(node instanceof MappingNode m)) {
        throw error(what + " must be a mapping");
      }
      Map<String, Value> out = new LinkedHashMap<>();
      for (NodeTuple t : m.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k)) {
          throw new Value(file, t.getKeyNode()).error("keys of " + what + " must be plain strings");
        }
        out.put(k.getValue(), new Value(file, t.getValueNode()));
      }
      return out;
    }

    /** Refuses keys other than {@code allowed}, naming the valid ones. */
    public void allowKeys(String what, String... allowed) {
      Set<String> ok = Set.of(allowed);
      if (!(node instanceof MappingNode m)) {
        throw error(what + " must be a mapping");
      }
      for (NodeTuple t : m.getValue()) {
        String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "?";
        if (!ok.contains(key)) {
          throw new Value(file, t.getKeyNode()).error("unknown key '" + key + "' in " + what
              + " (valid: " + String.join(", ", allowed) + ")");
        }
      }
    }

    public Optional<Value> get(String key) {
      if (!(node instanceof MappingNode m)) {
        return Optional.empty();
      }
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
          return Optional.of(new Value(file, t.getValueNode()));
        }
      }
      return Optional.empty();
    }

    /** The value under {@code key}, which must be there. */
    public Value require(String key, String what) {
      return get(key).orElseThrow(() -> error(what + " needs '" + key + "'"));
    }

    /** A scalar's text; a list or mapping here is an error. */
    public String text() {
      if (!(node instanceof ScalarNode s)) {
        throw error("expected a single value here, not a " + (isList() ? "list" : "mapping"));
      }
      return s.getValue();
    }

    public boolean bool() {
      String t = text();
      return switch (t) {
        case "true" -> true;
        case "false" -> false;
        default -> throw error("expected true or false, not '" + t + "'");
      };
    }

    /** The items of a list; a single scalar counts as a list of one. */
    public List<Value> items() {
      List<Value> out = new ArrayList<>();
      if (node instanceof SequenceNode s) {
        for (Node n : s.getValue()) {
          out.add(new Value(file, n));
        }
      } else if (node instanceof ScalarNode) {
        out.add(this);
      } else {
        throw error("expected a list here");
      }
      return out;
    }

    /** The texts of a list of scalars. */
    public List<String> texts() {
      return items().stream().map(Value::text).toList();
    }
  }
}
