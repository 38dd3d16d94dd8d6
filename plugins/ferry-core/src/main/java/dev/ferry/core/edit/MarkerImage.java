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
import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every scalar whose line ends with the comment {@code # ferry:image NAME}: the scalar holds a full
 * image reference. Lets users point Ferry at any value in any file without a path.
 *
 * <pre>{@code
 * # deployment.yaml
 *       image: registry.example.com/shop/web:1.4.1 # ferry:image web
 * ImageTarget.marker("web").write("deployment.yaml", text, image);
 * }</pre>
 *
 * @param name the name after {@code ferry:image}
 */
public record MarkerImage(String name) implements ImageTarget {

  @Override
  public String write(String fileName, String text, ImageRef image) {
    YamlTree tree = YamlTree.parse(fileName, text);
    List<Node> targets = targets(tree);
    if (targets.isEmpty()) {
      throw new InputException("no value in the file carries the comment '# ferry:image " + name + "'",
          SourceLocation.of(fileName, 0, 0), "add '# ferry:image " + name + "' at the end of the line of the image", null);
    }
    YamlPath label = YamlPath.parse("[\"# ferry:image " + name + "\"]");
    List<Splice> splices = new ArrayList<>();
    for (Node n : targets) {
      YamlEditor.setScalar(tree, n, label, image.toString()).ifPresent(splices::add);
    }
    return Splice.apply(text, splices);
  }

  @Override
  public Optional<ImageRef> read(String fileName, String text) {
    for (Node n : targets(YamlTree.parse(fileName, text))) {
      if (n instanceof Scalar s && !s.isPlainEmpty()) {
        return ImageTarget.parseQuietly(s.value());
      }
    }
    return Optional.empty();
  }

  private List<Node> targets(YamlTree tree) {
    Pattern marker = Pattern.compile("[ \\t]*#[ \\t]*ferry:image[ \\t]+" + Pattern.quote(name) + "(?:[ \\t].*)?");
    List<Node> found = new ArrayList<>();
    for (Document d : tree.documents) {
      if (d.root() != null) {
        collect(tree, d.root(), marker, found);
      }
    }
    return found;
  }

  private static void collect(YamlTree tree, Node node, Pattern marker, List<Node> found) {
    if (node instanceof Mapping m) {
      for (Entry e : m.entries()) {
        collect(tree, e.value(), marker, found);
      }
    } else if (node instanceof Sequence s) {
      for (Node item : s.items()) {
        collect(tree, item, marker, found);
      }
    } else if (node instanceof Scalar || node instanceof Alias) {
      int end = node.end();
      int nl = tree.text.indexOf('\n', end);
      String rest = tree.text.substring(end, nl < 0 ? tree.text.length() : nl);
      if (rest.endsWith("\r")) {
        rest = rest.substring(0, rest.length() - 1);
      }
      if (marker.matcher(rest).matches()) {
        found.add(node);
      }
    }
  }
}
