package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.edit.YamlTree.Entry;
import dev.ferry.core.edit.YamlTree.Mapping;
import dev.ferry.core.edit.YamlTree.Node;
import dev.ferry.core.edit.YamlTree.Scalar;
import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The image of a Helm values file, under a key ({@code image} by default).
 *
 * <p>When the key holds a string ({@code image: repo:tag}), the whole reference is written there,
 * digest included. When it holds a mapping, Ferry writes the fields the file already uses:
 * <ul>
 *   <li>{@code registry} (the Bitnami style): the image's registry ({@code docker.io} when it names
 *       none), and {@code repository} then holds the path only; without {@code registry},
 *       {@code repository} holds the full name. A missing {@code repository} is added.
 *   <li>with a {@code digest} key: {@code tag} gets the tag and {@code digest} the digest; an image
 *       without a digest empties a {@code digest} that held one (charts prefer the digest, so a
 *       stale one would win). An image without a tag leaves {@code tag} as it is.
 *   <li>without a {@code digest} key: {@code tag} gets {@code tag@digest} when the image has both
 *       (Helm charts write {@code repository:tag}, which then pins the digest); an image with a
 *       digest and no tag is refused, since {@code repo:sha256:...} is not a reference.
 *   <li>a missing {@code tag} is added under the block mapping.
 * </ul>
 *
 * <pre>{@code ImageTarget.helm("web.image").write("values.yaml", text, image)}</pre>
 *
 * @param key the path of the image key
 */
public record HelmImage(YamlPath key) implements ImageTarget {

  @Override
  public String write(String fileName, String text, ImageRef image) {
    YamlTree tree = YamlTree.parse(fileName, text);
    Node root = YamlEditor.select(tree, DocumentSelector.first()).get(0).root();
    Node node = find(tree, root);
    if (!(node instanceof Mapping m)) {
      if (node instanceof Scalar s && s.isPlainEmpty()) {
        throw new InputException("'" + key + "' is empty; Ferry cannot tell which form the chart expects",
            tree.location(node), "write either '" + key + ": repo:tag' or repository and tag under it", null);
      }
      return Splice.apply(text, YamlEditor.setScalar(tree, node, key, image.toString()).stream().toList());
    }
    List<Splice> splices = new ArrayList<>();
    List<String> added = new ArrayList<>();
    boolean hasRegistry = m.entry("registry").isPresent();
    boolean hasDigest = m.entry("digest").isPresent();
    if (hasRegistry) {
      set(tree, m, "registry", image.effectiveRegistry(), splices, added);
      set(tree, m, "repository", image.repository(), splices, added);
    } else {
      set(tree, m, "repository", image.name(), splices, added);
    }
    if (hasDigest) {
      if (image.tag() != null) {
        set(tree, m, "tag", image.tag(), splices, added);
      }
      Scalar digest = m.entry("digest").map(Entry::value).filter(Scalar.class::isInstance).map(Scalar.class::cast)
          .orElse(null);
      boolean digestEmpty = digest != null && (digest.isPlainEmpty() || digest.value().isEmpty());
      if (image.digest() != null || !digestEmpty) {
        set(tree, m, "digest", image.digest() == null ? "" : image.digest(), splices, added);
      }
    } else if (image.tag() == null) {
      throw new InputException("'" + key + "' has no 'digest' key, and the image " + image + " has no tag",
          tree.location(m), "give the image a tag (repo:tag@sha256:...) or add 'digest:' under '" + key + "'", null);
    } else {
      set(tree, m, "tag", image.digest() == null ? image.tag() : image.tag() + "@" + image.digest(), splices, added);
    }
    if (!added.isEmpty()) {
      splices.add(YamlEditor.addLines(tree, m, added, key));
    }
    return Splice.apply(text, splices);
  }

  private void set(YamlTree tree, Mapping m, String field, String value, List<Splice> splices, List<String> added) {
    YamlPath path = key.child(field);
    Optional<Entry> e = m.entry(field);
    if (e.isPresent()) {
      YamlEditor.setScalar(tree, e.get().value(), path, value).ifPresent(splices::add);
    } else {
      added.add(field + ": " + ScalarText.render(value, org.snakeyaml.engine.v2.common.ScalarStyle.PLAIN, false));
    }
  }

  @Override
  public Optional<ImageRef> read(String fileName, String text) {
    YamlTree tree = YamlTree.parse(fileName, text);
    Node root = YamlEditor.select(tree, DocumentSelector.first()).get(0).root();
    Node node = YamlEditor.walk(tree, root, key).found();
    if (node instanceof Scalar s && !s.isPlainEmpty()) {
      return ImageTarget.parseQuietly(s.value());
    }
    if (!(node instanceof Mapping m)) {
      return Optional.empty();
    }
    String registry = value(m, "registry");
    String repository = value(m, "repository");
    if (repository == null) {
      return Optional.empty();
    }
    StringBuilder ref = new StringBuilder();
    if (registry != null) {
      ref.append(registry).append('/');
    }
    ref.append(repository);
    String tag = value(m, "tag");
    if (tag != null) {
      ref.append(':').append(tag);
    }
    String digest = value(m, "digest");
    if (digest != null && !ref.toString().contains("@")) {
      ref.append('@').append(digest);
    }
    return ImageTarget.parseQuietly(ref.toString());
  }

  private static String value(Mapping m, String field) {
    return m.entry(field).map(Entry::value).filter(Scalar.class::isInstance).map(Scalar.class::cast)
        .filter(s -> !s.isPlainEmpty() && !s.value().isEmpty()).map(Scalar::value).orElse(null);
  }

  private Node find(YamlTree tree, Node root) {
    YamlEditor.Walk walk = YamlEditor.walk(tree, root, key);
    if (walk.found() == null) {
      InputException e = YamlEditor.missing(tree, key, walk);
      throw new InputException(e.getMessage(), e.location().orElse(SourceLocation.of(tree.fileName, 0, 0)),
          "add '" + key + ":' with repository and tag to the values file, or name the key with --key", null);
    }
    return walk.found();
  }
}
