package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import dev.ferry.core.edit.YamlTree.Entry;
import dev.ferry.core.edit.YamlTree.Mapping;
import dev.ferry.core.edit.YamlTree.Node;
import dev.ferry.core.edit.YamlTree.Scalar;
import dev.ferry.core.edit.YamlTree.Sequence;
import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * The {@code images:} entry of a kustomization, written as {@code kustomize edit set image} would:
 * {@code newName} when the image's name differs from the entry's {@code name}, {@code newTag} and
 * {@code digest} from the image; a tag-only image removes a stale {@code digest} and a digest-only
 * image removes {@code newTag} (kustomize lets the digest win). A missing entry is appended to
 * {@code images:}, and a missing {@code images:} key to the end of the file, in block style
 * indented like the rest of the file.
 *
 * <pre>{@code ImageTarget.kustomize("web").write("kustomization.yaml", text, image)}</pre>
 *
 * @param name the {@code name} of the entry: the image name the base manifests use
 */
public record KustomizeImage(String name) implements ImageTarget {

  private static final YamlPath IMAGES = YamlPath.parse("images");

  @Override
  public String write(String fileName, String text, ImageRef image) {
    YamlTree tree = YamlTree.parse(fileName, text);
    Node root = YamlEditor.select(tree, DocumentSelector.first()).get(0).root();
    if (!(root instanceof Mapping doc) || doc.flow()) {
      throw new InputException("a kustomization is a block mapping of fields", tree.location(root));
    }
    Optional<Entry> images = doc.entry("images");
    if (images.isEmpty()) {
      return appendImagesKey(tree, doc, image);
    }
    if (!(images.get().value() instanceof Sequence list) || (list.flow() && list.items().isEmpty())) {
      throw new InputException("'images' is " + YamlEditor.describe(images.get().value()) + ", not a list",
          tree.location(images.get().value()), "write images: as a list of {name, newName, newTag, digest}", null);
    }
    Optional<Mapping> entry = find(tree, list);
    if (entry.isEmpty()) {
      if (list.flow()) {
        throw new InputException("cannot add an entry to the flow list 'images: [...]'", tree.location(list),
            "write images: as a block list (- name: ...)", null);
      }
      return Splice.apply(text, List.of(appendEntry(tree, list, image)));
    }
    Mapping m = entry.get();
    YamlPath path = IMAGES.child(name);
    List<Splice> splices = new ArrayList<>();
    List<String> added = new ArrayList<>();
    String newName = newName(image, m);
    if (newName != null) {
      set(tree, m, path, "newName", newName, splices, added);
    }
    if (image.tag() != null) {
      set(tree, m, path, "newTag", image.tag(), splices, added);
    } else {
      remove(tree, m, path, "newTag", splices);
    }
    if (image.digest() != null) {
      set(tree, m, path, "digest", image.digest(), splices, added);
    } else {
      remove(tree, m, path, "digest", splices);
    }
    if (!added.isEmpty()) {
      splices.add(YamlEditor.addLines(tree, m, added, path));
    }
    return Splice.apply(text, splices);
  }

  /** The newName to write: the image's name, unless it is the entry's name and no newName is set. */
  private static String newName(ImageRef image, Mapping entry) {
    String entryName = scalar(entry, "name");
    if (image.name().equals(entryName) && scalar(entry, "newName") == null) {
      return null;
    }
    return image.name();
  }

  private static void set(YamlTree tree, Mapping m, YamlPath path, String field, String value,
      List<Splice> splices, List<String> added) {
    Optional<Entry> e = m.entry(field);
    if (e.isPresent()) {
      YamlEditor.setScalar(tree, e.get().value(), path.child(field), value).ifPresent(splices::add);
    } else {
      added.add(field + ": " + ScalarText.render(value, ScalarStyle.PLAIN, m.inFlow()));
    }
  }

  private static void remove(YamlTree tree, Mapping m, YamlPath path, String field, List<Splice> splices) {
    m.entry(field).ifPresent(e -> splices.add(YamlEditor.removeEntry(tree, m, e, path.child(field))));
  }

  /** The entry whose name is this target's name, or else names the same repository. */
  private Optional<Mapping> find(YamlTree tree, Sequence list) {
    Mapping sameRepo = null;
    Optional<ImageRef> wanted = ImageTarget.parseQuietly(name);
    for (Node item : list.items()) {
      if (item instanceof Mapping m) {
        String n = scalar(m, "name");
        if (name.equals(n)) {
          return Optional.of(m);
        }
        if (n != null && sameRepo == null && wanted.isPresent()
            && ImageTarget.parseQuietly(n).map(r -> r.sameRepository(wanted.get())).orElse(false)) {
          sameRepo = m;
        }
      }
    }
    return Optional.ofNullable(sameRepo);
  }

  private static String scalar(Mapping m, String field) {
    return m.entry(field).map(Entry::value).filter(Scalar.class::isInstance).map(Scalar.class::cast)
        .filter(s -> !s.isPlainEmpty()).map(Scalar::value).orElse(null);
  }

  private List<String> entryLines(ImageRef image) {
    List<String> lines = new ArrayList<>();
    lines.add("name: " + ScalarText.render(name, ScalarStyle.PLAIN, false));
    if (!image.name().equals(name)) {
      lines.add("newName: " + ScalarText.render(image.name(), ScalarStyle.PLAIN, false));
    }
    if (image.tag() != null) {
      lines.add("newTag: " + ScalarText.render(image.tag(), ScalarStyle.PLAIN, false));
    }
    if (image.digest() != null) {
      lines.add("digest: " + ScalarText.render(image.digest(), ScalarStyle.PLAIN, false));
    }
    return lines;
  }

  /** A new item after the last one of the list, with the same dash column and key indentation. */
  private Splice appendEntry(YamlTree tree, Sequence list, ImageRef image) {
    if (list.items().isEmpty()) {
      throw new InputException("'images' is an empty list", tree.location(list), "add the entry by hand", null);
    }
    int dash = tree.columnOf(list.start());
    int keys = dash + 2;
    if (list.items().get(0) instanceof Mapping first && !first.flow() && !first.entries().isEmpty()) {
      keys = tree.columnOf(first.entries().get(0).key().start());
    }
    String br = tree.lineBreak();
    List<String> lines = entryLines(image);
    StringBuilder s = new StringBuilder();
    s.append(" ".repeat(dash)).append('-').append(" ".repeat(Math.max(1, keys - dash - 1))).append(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      s.append(br).append(" ".repeat(keys)).append(line);
    }
    int after = YamlEditor.contentEnd(list);
    int nl = after > 0 && tree.text.charAt(after - 1) == '\n' ? after - 1 : tree.text.indexOf('\n', after);
    if (nl < 0) {
      return new Splice(tree.text.length(), tree.text.length(), br + s);
    }
    return new Splice(nl + 1, nl + 1, s + br);
  }

  /** {@code images:} with one entry at the end of the file, indented like the file's other lists. */
  private String appendImagesKey(YamlTree tree, Mapping doc, ImageRef image) {
    int base = tree.columnOf(doc.entries().get(0).key().start());
    int dashOffset = sequenceOffset(tree, doc);
    String br = tree.lineBreak();
    String text = tree.text;
    boolean endsWithBreak = text.endsWith("\n");
    StringBuilder s = new StringBuilder();
    if (!endsWithBreak && !text.isEmpty()) {
      s.append(br);
    }
    String pad = " ".repeat(base);
    s.append(pad).append("images:").append(br);
    List<String> lines = entryLines(image);
    String dashPad = pad + " ".repeat(dashOffset);
    s.append(dashPad).append("- ").append(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      s.append(br).append(dashPad).append("  ").append(line);
    }
    if (endsWithBreak) {
      s.append(br);
    }
    return Splice.apply(text, List.of(new Splice(text.length(), text.length(), s.toString())));
  }

  /** How far the dash of a block list sits right of its key in this file: 0 ({@code - a}) by default. */
  private static int sequenceOffset(YamlTree tree, Mapping doc) {
    for (Entry e : doc.entries()) {
      if (e.value() instanceof Sequence s && !s.flow()) {
        return Math.max(0, tree.columnOf(s.start()) - tree.columnOf(e.key().start()));
      }
    }
    return 0;
  }

  @Override
  public Optional<ImageRef> read(String fileName, String text) {
    YamlTree tree = YamlTree.parse(fileName, text);
    Node root = YamlEditor.select(tree, DocumentSelector.first()).get(0).root();
    if (!(root instanceof Mapping doc)
        || !(doc.entry("images").map(Entry::value).orElse(null) instanceof Sequence list)) {
      return Optional.empty();
    }
    return find(tree, list).flatMap(m -> {
      String n = scalar(m, "newName");
      String ref = (n != null ? n : scalar(m, "name"));
      if (ref == null) {
        return Optional.empty();
      }
      String tag = scalar(m, "newTag");
      String digest = scalar(m, "digest");
      return ImageTarget.parseQuietly(ref + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : ""));
    });
  }
}
