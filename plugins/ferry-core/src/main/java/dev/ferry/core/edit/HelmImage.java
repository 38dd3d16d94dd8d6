package dev.ferry.core.edit;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import dev.ferry.core.edit.YamlTree.Entry;
import dev.ferry.core.edit.YamlTree.Mapping;
import dev.ferry.core.edit.YamlTree.Node;
import dev.ferry.core.edit.YamlTree.Scalar;
import dev.ferry.core.edit.YamlTree.Sequence;
import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.common.ScalarStyle;

/**
 * The image of a Helm values file, under a key ({@code image} by default). Ferry sets only keys the
 * chart already reads there, in the layout the values file uses, and refuses a layout it cannot
 * write without guessing:
 * <ul>
 *   <li>a string, {@code image: repo:tag}: the whole reference. A string beside a {@code tag} key
 *       ({@code exporter: {image: ghcr.io/x/exporter, tag: v1}}) is a repository: the name goes into
 *       it and the version into {@code tag}; a {@code tag} shared by several such strings
 *       ({@code images: {tag: "", operator: ..., scaler: ...}}) is refused, since setting it moves
 *       every image.
 *   <li>{@code registry} + {@code repository} (the Bitnami style): the registry ({@code docker.io}
 *       when the image names none) and the path; {@code repository} alone holds the full name.
 *   <li>{@code registry}/{@code image} + {@code tag} (ingress-nginx) and {@code image} + {@code tag}
 *       (redis-ha): {@code image} takes the path beside a registry, else the full name.
 *   <li>{@code hub} + {@code image} + {@code tag} (Istio): the name up to its last component goes
 *       into {@code hub}, the last component into {@code image}.
 *   <li>{@code tag} only (a subchart override): only the version; the repository is the chart's.
 *   <li>the version: {@code tag} gets the tag; the digest goes into {@code digest}, or into
 *       {@code sha} (bare hex or {@code sha256:hex}, following the value already there, else the
 *       chart's template when known, else bare hex), or else as {@code tag@digest} into {@code tag}.
 *       A stale digest is emptied: charts prefer it over the tag.
 * </ul>
 * Keys are never added, except a {@code tag} beside a repository that has none. Every other map is
 * refused, naming the keys it has and the {@code --key} choices that hold an image.
 *
 * <pre>{@code ImageTarget.helm("web.image").write("values.yaml", text, image)}</pre>
 *
 * @param key the path of the image key
 * @param sha how a {@code sha} key holds a digest when its value does not say: from the chart's
 *     templates, or null for bare hex
 */
public record HelmImage(YamlPath key, ShaForm sha) implements ImageTarget {

  /** How a chart writes the digest in a {@code sha} value. */
  public enum ShaForm {
    /** {@code @sha256:{{ .sha }}}: the value is bare hex (kube-prometheus-stack, grafana). */
    HEX,
    /** {@code @{{ .sha }}}: the value carries {@code sha256:} (kube-state-metrics). */
    PREFIXED;

    /**
     * How a chart's templates append a {@code sha} value: {@code @sha256:{{ ...sha }}} is bare hex,
     * {@code @{{ ...sha }}} carries the prefix; null when the templates do not say (or disagree).
     */
    public static ShaForm of(java.nio.file.Path chartDir) {
      java.nio.file.Path templates = chartDir.resolve("templates");
      if (!java.nio.file.Files.isDirectory(templates)) {
        return null;
      }
      boolean hex = false;
      boolean prefixed = false;
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(templates, 4)) {
        for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).limit(500).toList()) {
          String text = java.nio.file.Files.readString(f);
          hex |= HEX_TEMPLATE.matcher(text).find();
          prefixed |= PREFIXED_TEMPLATE.matcher(text).find();
        }
      } catch (java.io.IOException | java.io.UncheckedIOException e) {
        return null;
      }
      return hex == prefixed ? null : hex ? HEX : PREFIXED;
    }
  }

  private static final java.util.regex.Pattern HEX_TEMPLATE =
      java.util.regex.Pattern.compile("@sha256:\\{\\{-?\\s*[^}]*\\.sha\\b");
  private static final java.util.regex.Pattern PREFIXED_TEMPLATE =
      java.util.regex.Pattern.compile("@\\{\\{-?\\s*[^}]*\\.sha\\b");

  /** Keys that are part of an image layout rather than other images beside it. */
  private static final Set<String> IMAGE_KEYS = Set.of("registry", "repository", "image", "hub", "tag", "digest",
      "sha", "pullPolicy", "imagePullPolicy", "variant", "name");

  public HelmImage(YamlPath key) {
    this(key, null);
  }

  @Override
  public String write(String fileName, String text, ImageRef image) {
    YamlTree tree = YamlTree.parse(fileName, text);
    Node root = YamlEditor.select(tree, DocumentSelector.first()).get(0).root();
    Node node = find(tree, root);
    return Splice.apply(text, splices(tree, root, node, image));
  }

  private List<Splice> splices(YamlTree tree, Node root, Node node, ImageRef image) {
    List<Splice> splices = new ArrayList<>();
    List<String> added = new ArrayList<>();
    if (node instanceof Scalar s) {
      if (s.isPlainEmpty()) {
        throw new InputException("'" + key + "' is empty; Ferry cannot tell which form the chart expects",
            tree.location(node), "write either '" + key + ": repo:tag' or repository and tag under it", null);
      }
      Mapping parent = parent(tree, root);
      // Istio uses an image holding a '/' as the whole reference, ignoring hub and tag
      if (parent == null || parent.entry("tag").filter(e -> e.value() instanceof Scalar).isEmpty()
          || parent.entry("hub").isPresent()) {
        YamlEditor.setScalar(tree, node, key, image.toString()).ifPresent(splices::add);
        return splices;
      }
      // a repository string beside a tag: the chart renders {{ image }}:{{ tag }}
      YamlPath parentPath = key.parent() == null ? null : key.parent();
      String own = ((YamlPath.Key) key.last()).name();
      refuseSharedTag(tree, parent, parentPath, own);
      YamlEditor.setScalar(tree, node, key, image.name()).ifPresent(splices::add);
      version(tree, parent, parentPath, image, splices, added);
      addLines(tree, parent, parentPath, splices, added);
      return splices;
    }
    if (!(node instanceof Mapping m)) {
      throw new InputException("'" + key + "' is " + YamlEditor.describe(node) + ", not an image",
          tree.location(node), choices(tree, root), null);
    }
    if (m.entry("hub").isPresent()) {
      hub(tree, m, image, splices, added);
    } else if (scalar(m, "image") != null && m.entry("repository").isEmpty()) {
      imageString(tree, root, m, image, splices, added);
    } else if (m.entry("repository").isPresent() || m.entry("registry").isPresent()) {
      if (m.entry("registry").isPresent()) {
        set(tree, m, key, "registry", image.effectiveRegistry(), splices, added);
        set(tree, m, key, "repository", image.repository(), splices, added);
      } else {
        set(tree, m, key, "repository", image.name(), splices, added);
      }
      version(tree, m, key, image, splices, added);
    } else if (m.entry("tag").isPresent()) {
      refuseSharedTag(tree, m, key, null);
      // a subchart override: the repository is the subchart's own; writing one may double its registry
      version(tree, m, key, image, splices, added);
    } else {
      throw new InputException("'" + key + "' holds none of the keys Ferry sets (registry, repository, image,"
          + " hub, tag); it has: " + keys(m), tree.location(m), choices(tree, root), null);
    }
    addLines(tree, m, key, splices, added);
    return splices;
  }

  /** Istio: {@code hub/image:tag}; an {@code image} holding a '/' is a full reference on its own. */
  private void hub(YamlTree tree, Mapping m, ImageRef image, List<Splice> splices, List<String> added) {
    String current = scalar(m, "image");
    if (current != null && current.contains("/")) {
      set(tree, m, key, "image", image.toString(), splices, added);
      return;
    }
    String name = image.name();
    int slash = name.lastIndexOf('/');
    String hub = slash < 0 ? ImageRef.DOCKER_HUB + "/library" : name.substring(0, slash);
    set(tree, m, key, "hub", hub, splices, added);
    if (m.entry("image").isPresent()) {
      set(tree, m, key, "image", name.substring(slash + 1), splices, added);
    }
    version(tree, m, key, image, splices, added);
  }

  /** {@code image: path} beside {@code registry}, or {@code image: full/name}, with a tag. */
  private void imageString(YamlTree tree, Node root, Mapping m, ImageRef image, List<Splice> splices, List<String> added) {
    // no tag, digest or sha beside it: the string is the whole reference (image: repo:tag); adding a
    // tag key the chart may never read would be a guess
    boolean whole = m.entry("tag").isEmpty() && m.entry("digest").isEmpty() && m.entry("sha").isEmpty();
    String version = (image.tag() == null ? "" : ":" + image.tag()) + (image.digest() == null ? "" : "@" + image.digest());
    String suffix = whole ? version : "";
    if (m.entry("registry").isPresent()) {
      set(tree, m, key, "registry", image.effectiveRegistry(), splices, added);
      set(tree, m, key, "image", image.repository() + suffix, splices, added);
    } else {
      Optional<ImageRef> current = ImageTarget.parseQuietly(scalar(m, "image"));
      boolean heldRegistry = current.map(c -> c.registry() != null).orElse(true);
      String global = globalRegistry(root);
      if (heldRegistry || image.registry() == null) {
        set(tree, m, key, "image", image.name() + suffix, splices, added);
      } else if (image.registry().equals(global)) {
        set(tree, m, key, "image", image.repository() + suffix, splices, added);
      } else {
        // a path without its registry: the chart prepends a registry key of its defaults (registry/image)
        set(tree, m, key, "image", image.repository() + suffix, splices, added);
        set(tree, m, key, "registry", image.registry(), splices, added);
      }
    }
    if (!whole) {
      version(tree, m, key, image, splices, added);
    }
  }

  /** The registry a chart prepends to paths by default: {@code global.image.registry} or {@code global.imageRegistry}. */
  private static String globalRegistry(Node root) {
    if (root instanceof Mapping doc && doc.entry("global").map(Entry::value).orElse(null) instanceof Mapping global) {
      if (global.entry("image").map(Entry::value).orElse(null) instanceof Mapping image && scalar(image, "registry") != null) {
        return scalar(image, "registry");
      }
      return scalar(global, "imageRegistry");
    }
    return null;
  }

  /** tag and digest (or sha) as the map holds them. */
  private void version(YamlTree tree, Mapping m, YamlPath at, ImageRef image, List<Splice> splices,
      List<String> added) {
    if (m.entry("digest").isPresent() || m.entry("sha").isPresent()) {
      String field = m.entry("digest").isPresent() ? "digest" : "sha";
      if (image.tag() != null) {
        set(tree, m, at, "tag", image.tag(), splices, added);
      }
      String held = m.entry(field).map(Entry::value).filter(Scalar.class::isInstance).map(Scalar.class::cast)
          .map(s -> s.isPlainEmpty() ? "" : s.value()).orElse(null);
      boolean heldEmpty = held == null || held.isEmpty();
      if (image.digest() != null) {
        set(tree, m, at, field, field.equals("digest") ? image.digest() : shaValue(held, image.digest()), splices, added);
      } else if (!heldEmpty) {
        set(tree, m, at, field, "", splices, added);
      }
    } else if (image.tag() == null) {
      throw new InputException("'" + at + "' has no 'digest' or 'sha' key, and the image " + image + " has no tag",
          tree.location(m), "give the image a tag (repo:tag@sha256:...) or add 'digest:' under '" + at + "'", null);
    } else {
      set(tree, m, at, "tag", image.digest() == null ? image.tag() : image.tag() + "@" + image.digest(), splices, added);
    }
  }

  private String shaValue(String held, String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    boolean prefixed = held != null && !held.isEmpty() ? held.contains(":") : sha == ShaForm.PREFIXED;
    return prefixed ? digest : hex;
  }

  /** A tag that other image strings beside it also use cannot move for one of them. */
  private void refuseSharedTag(YamlTree tree, Mapping m, YamlPath at, String own) {
    List<String> others = new ArrayList<>();
    for (Entry e : m.entries()) {
      if (e.key() instanceof Scalar k && !k.value().equals(own) && !IMAGE_KEYS.contains(k.value())
          && e.value() instanceof Scalar v && looksLikeRepository(v.value())) {
        others.add(k.value());
      }
    }
    if (others.isEmpty()) {
      return;
    }
    String tag = at == null ? "tag" : at + ".tag";
    throw new InputException("'" + tag + "' is shared by " + (own == null ? "" : own + ", ")
        + String.join(", ", others) + ": setting it for one image would change them all",
        tree.location(m), "when they all move together set the tag alone (ferry edit yaml FILE " + tag
        + " TAG); else give each image its own tag in the chart", null);
  }

  /** A repository without tag or digest, such as {@code ghcr.io/kedacore/http-add-on-operator}. */
  private static boolean looksLikeRepository(String value) {
    return value.contains("/") && !value.startsWith("/") && !value.contains("@")
        && ImageTarget.parseQuietly(value).filter(r -> r.tag() == null).isPresent();
  }

  private static void set(YamlTree tree, Mapping m, YamlPath at, String field, String value, List<Splice> splices,
      List<String> added) {
    Optional<Entry> e = m.entry(field);
    if (e.isPresent()) {
      YamlEditor.setScalar(tree, e.get().value(), at == null ? YamlPath.parse(field) : at.child(field), value)
          .ifPresent(splices::add);
    } else {
      added.add(field + ": " + ScalarText.render(value, ScalarStyle.PLAIN, false));
    }
  }

  private static void addLines(YamlTree tree, Mapping m, YamlPath at, List<Splice> splices, List<String> added) {
    if (!added.isEmpty()) {
      splices.add(YamlEditor.addLines(tree, m, added, at == null ? YamlPath.parse("tag") : at));
    }
  }

  @Override
  public Optional<ImageRef> read(String fileName, String text) {
    YamlTree tree = YamlTree.parse(fileName, text);
    Node root = YamlEditor.select(tree, DocumentSelector.first()).get(0).root();
    Node node = YamlEditor.walk(tree, root, key).found();
    return current(node, parent(tree, root), key.last() instanceof YamlPath.Key k ? k.name() : null);
  }

  /** The reference a node holds in one of the layouts above, when it names a repository. */
  static Optional<ImageRef> current(Node node, Mapping parent, String ownKey) {
    if (node instanceof Scalar s && !s.isPlainEmpty()) {
      String tag = parent == null || ownKey == null || IMAGE_KEYS.contains(ownKey) && !ownKey.equals("image")
          ? null : scalar(parent, "tag");
      if (tag != null && looksLikeRepository(s.value())) {
        return ImageTarget.parseQuietly(s.value() + ":" + tag);
      }
      return ImageTarget.parseQuietly(s.value());
    }
    if (!(node instanceof Mapping m)) {
      return Optional.empty();
    }
    String name;
    if (scalar(m, "hub") != null && scalar(m, "image") != null) {
      name = scalar(m, "image").contains("/") ? scalar(m, "image") : scalar(m, "hub") + "/" + scalar(m, "image");
    } else {
      String path = scalar(m, "repository") != null ? scalar(m, "repository") : scalar(m, "image");
      if (path == null) {
        return Optional.empty();
      }
      name = scalar(m, "registry") == null ? path : scalar(m, "registry") + "/" + path;
    }
    StringBuilder ref = new StringBuilder(name);
    String tag = scalar(m, "tag");
    if (tag != null && !name.contains("@") && !name.substring(name.lastIndexOf('/') + 1).contains(":")) {
      ref.append(':').append(tag);
    }
    String digest = scalar(m, "digest") != null ? scalar(m, "digest") : scalar(m, "sha");
    if (digest != null && !ref.toString().contains("@")) {
      ref.append('@').append(digest.contains(":") ? digest : "sha256:" + digest);
    }
    return ImageTarget.parseQuietly(ref.toString());
  }

  /**
   * Every key of the file's first document holding an image of {@code repository}, in file order:
   * what {@code --all-of} promotes in one command.
   */
  public static List<YamlPath> keysHolding(String fileName, String text, ImageRef repository) {
    YamlTree tree = YamlTree.parse(fileName, text);
    Node root = YamlEditor.select(tree, DocumentSelector.first()).get(0).root();
    List<YamlPath> found = new ArrayList<>();
    collect(root, null, null, new ArrayList<>(), 0, (path, ref) -> {
      if (ref.sameRepository(repository)) {
        found.add(path);
      }
    });
    return found;
  }

  private interface Visitor {
    void image(YamlPath path, ImageRef ref);
  }

  private static void collect(Node node, Mapping parent, String ownKey, List<YamlPath.Segment> path, int depth,
      Visitor visitor) {
    if (depth > 32) {
      return;
    }
    if (!path.isEmpty() && (node instanceof Mapping || node instanceof Scalar && ownKey != null && isImageKey(ownKey))) {
      Optional<ImageRef> ref = current(node, parent, ownKey);
      if (ref.isPresent()) {
        visitor.image(new YamlPath(path), ref.get());
        return;
      }
    }
    if (node instanceof Mapping m) {
      for (Entry e : m.entries()) {
        if (e.key() instanceof Scalar k) {
          List<YamlPath.Segment> next = new ArrayList<>(path);
          next.add(new YamlPath.Key(k.value()));
          collect(e.value(), m, k.value(), next, depth + 1, visitor);
        }
      }
    } else if (node instanceof Sequence s) {
      for (int i = 0; i < s.items().size(); i++) {
        List<YamlPath.Segment> next = new ArrayList<>(path);
        next.add(new YamlPath.Index(i));
        collect(s.items().get(i), null, null, next, depth + 1, visitor);
      }
    }
  }

  /** A scalar key that holds an image: {@code image}, {@code initImage}, or a string beside a tag. */
  private static boolean isImageKey(String k) {
    return k.equals("image") || k.endsWith("Image");
  }

  /** The {@code --key} choices under a node: every key there that holds an image. */
  private static String choices(YamlTree tree, Node root) {
    List<String> keys = new ArrayList<>();
    collect(root, null, null, new ArrayList<>(), 0, (path, ref) -> {
      if (keys.size() < 8) {
        keys.add(path.toString());
      }
    });
    return keys.isEmpty() ? "name the key that holds the image with --key"
        : "name the key that holds the image with --key, e.g. " + String.join(", ", keys);
  }

  private static String keys(Mapping m) {
    List<String> keys = new ArrayList<>();
    for (Entry e : m.entries()) {
      keys.add(e.key() instanceof Scalar s ? s.value() : "?");
    }
    return String.join(", ", keys);
  }

  private static String scalar(Mapping m, String field) {
    return m.entry(field).map(Entry::value).filter(Scalar.class::isInstance).map(Scalar.class::cast)
        .filter(s -> !s.isPlainEmpty() && !s.value().isEmpty()).map(Scalar::value).orElse(null);
  }

  /** The mapping that holds the key's last segment. */
  private Mapping parent(YamlTree tree, Node root) {
    if (!(key.last() instanceof YamlPath.Key)) {
      return null;
    }
    Node p = key.parent() == null ? root : YamlEditor.walk(tree, root, key.parent()).found();
    return p instanceof Mapping m ? m : null;
  }

  private Node find(YamlTree tree, Node root) {
    YamlEditor.Walk walk = YamlEditor.walk(tree, root, key);
    if (walk.found() == null) {
      InputException e = YamlEditor.missing(tree, key, walk);
      throw new InputException(e.getMessage(), e.location().orElse(SourceLocation.of(tree.fileName, 0, 0)),
          choices(tree, root) + "; or add '" + key + ":' with repository and tag to the values file", null);
    }
    return walk.found();
  }
}
