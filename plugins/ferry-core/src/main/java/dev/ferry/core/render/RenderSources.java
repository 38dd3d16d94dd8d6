package dev.ferry.core.render;

import dev.ferry.core.InputException;
import dev.ferry.core.SourceLocation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Checks what a render would read before Ferry renders it: the environment repository's content is
 * input, and {@code render: true} (also for {@code ferry plan}) must not turn it into a request to
 * another server or a read outside the exported tree.
 *
 * <p>A Kustomize directory is read recursively: every file or directory named by its
 * kustomization ({@code resources}, {@code bases}, {@code components}, {@code patches},
 * {@code patchesStrategicMerge}, {@code patchesJson6902}, {@code replacements},
 * {@code configMapGenerator} and {@code secretGenerator} files and envs, {@code crds},
 * {@code configurations}, {@code generators}, {@code transformers}, {@code validators},
 * {@code openapi}) must be a local path that stays inside the tree; a URL, a git or http base, a
 * remote component or {@code helmCharts} is refused, naming file and line. A Helm chart may not
 * declare remote dependencies or {@code file://} dependencies outside its folder, and no link in
 * it may point outside it.
 *
 * <pre>{@code RenderSources.check(exportedRoot, new RenderUnit.Kustomize(exportedRoot.resolve("envs/dev/api")));}</pre>
 */
public final class RenderSources {

  private static final List<String> KUSTOMIZATION_FILES = List.of("kustomization.yaml", "kustomization.yml",
      "Kustomization");
  /** Fields whose items are paths (or, for patch lists, inline patches, which hold a newline or a colon-space). */
  private static final Set<String> PATH_LISTS = Set.of("resources", "bases", "components", "crds", "configurations",
      "generators", "transformers", "validators", "patchesStrategicMerge");
  /** Fields whose items are mappings with a {@code path}. */
  private static final Set<String> PATH_ITEMS = Set.of("patches", "patchesJson6902", "replacements");
  private static final Set<String> GENERATORS = Set.of("configMapGenerator", "secretGenerator");
  private static final Pattern REMOTE = Pattern.compile(
      "^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@|ssh:|github\\.com/|gitlab\\.com/|bitbucket\\.org/)|\\?ref=|\\.git(?:/|$)|//",
      Pattern.CASE_INSENSITIVE);

  private final Path root;
  private final Set<Path> visited = new HashSet<>();

  private RenderSources(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  /**
   * Refuses {@code unit} when rendering it would read a remote resource or a file outside
   * {@code root}.
   *
   * @throws InputException naming the file and line of the first offending reference
   */
  public static void check(Path root, RenderUnit unit) {
    try {
      RenderSources sources = new RenderSources(root);
      if (unit instanceof RenderUnit.Kustomize k) {
        sources.kustomization(k.dir(), null);
      } else if (unit instanceof RenderUnit.Helm h) {
        sources.chart(h.chartDir());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the files to render: " + e.getMessage(), e);
    }
  }

  private void kustomization(Path dir, SourceLocation from) throws IOException {
    Path real = inside(dir, from, "directory");
    if (!visited.add(real)) {
      return;
    }
    Path file = null;
    for (String name : KUSTOMIZATION_FILES) {
      if (Files.isRegularFile(real.resolve(name))) {
        file = real.resolve(name);
        break;
      }
    }
    if (file == null) {
      return; // kustomize reports a directory without a kustomization itself
    }
    String shown = shown(file);
    Node doc;
    try {
      doc = compose(Files.readString(file, StandardCharsets.UTF_8), shown);
    } catch (YamlEngineException e) {
      throw new InputException(shown + " is not valid YAML: " + e.getMessage(), SourceLocation.of(shown, 0, 0));
    }
    if (!(doc instanceof MappingNode map)) {
      return;
    }
    for (NodeTuple t : map.getValue()) {
      String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
      Node value = t.getValueNode();
      if (key.equals("helmCharts") || key.equals("helmChartInflationGenerator")) {
        throw refused(shown, t.getKeyNode(), "'" + key + "' downloads and renders charts",
            "render the chart with a helm target instead, or commit its output");
      }
      if (key.equals("helmGlobals")) {
        continue;
      }
      if (PATH_LISTS.contains(key)) {
        for (Node item : items(value)) {
          if (item instanceof ScalarNode s && !inline(s.getValue())) {
            reference(real, shown, key, s.getValue(), s, true);
          }
        }
      } else if (PATH_ITEMS.contains(key)) {
        for (Node item : items(value)) {
          ScalarNode path = field(item, "path");
          if (path != null) {
            reference(real, shown, key, path.getValue(), path, false);
          }
        }
      } else if (GENERATORS.contains(key)) {
        for (Node item : items(value)) {
          for (String field : List.of("files", "envs", "env")) {
            Node list = fieldNode(item, field);
            for (Node f : list instanceof SequenceNode ? items(list) : list == null ? List.<Node>of() : List.of(list)) {
              if (f instanceof ScalarNode s) {
                String v = s.getValue();
                int eq = v.indexOf('=');
                // files: "key=path" names the key; only the path is read
                reference(real, shown, key + "." + field, field.equals("files") && eq >= 0 ? v.substring(eq + 1) : v,
                    s, false);
              }
            }
          }
        }
      } else if (key.equals("openapi")) {
        ScalarNode path = field(value, "path");
        if (path != null) {
          reference(real, shown, key, path.getValue(), path, false);
        }
      }
    }
  }

  /** One path from a kustomization: not remote, inside the tree; a directory is read in turn. */
  private void reference(Path dir, String file, String field, String raw, Node node, boolean mayBeKustomization)
      throws IOException {
    String value = raw.trim();
    SourceLocation at = location(file, node);
    if (REMOTE.matcher(value).find()) {
      throw new InputException(field + " '" + value + "' is remote; with render: true Ferry renders"
          + " only files of the environment repository and fetches nothing", at,
          "vendor the remote resource into the repository, or turn render off for this environment", null);
    }
    if (Path.of(value).isAbsolute()) {
      throw new InputException(field + " '" + value + "' is an absolute path; it must be relative"
          + " and inside the repository", at, null, null);
    }
    Path target = dir.resolve(value).normalize();
    if (!target.startsWith(root)) {
      throw escapes(at, field, value);
    }
    if (!Files.exists(target)) {
      return; // kustomize reports a missing file with its own words
    }
    Path real = inside(target, at, field + " '" + value + "'");
    if (mayBeKustomization && Files.isDirectory(real)) {
      kustomization(real, at);
    }
  }

  private void chart(Path chartDir) throws IOException {
    Path chart = inside(chartDir, null, "chart");
    try (Stream<Path> walk = Files.walk(chart)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isSymbolicLink(p) && !p.toRealPath().startsWith(chart)) {
          throw new InputException(shown(p) + " is a link out of the chart " + shown(chart)
              + "; a chart may only read its own folder", SourceLocation.of(shown(p), 0, 0));
        }
        if (p.getFileName().toString().equals("Chart.yaml")) {
          chartDependencies(p, p.getParent().toRealPath(), chart);
        }
      }
    }
  }

  private void chartDependencies(Path chartFile, Path dir, Path chart) throws IOException {
    String shown = shown(chartFile);
    Node doc;
    try {
      doc = compose(Files.readString(chartFile, StandardCharsets.UTF_8), shown);
    } catch (YamlEngineException e) {
      return; // helm reports a broken Chart.yaml itself
    }
    for (Node dep : items(fieldNode(doc, "dependencies"))) {
      ScalarNode repo = field(dep, "repository");
      if (repo == null || repo.getValue().isBlank()) {
        continue;
      }
      String value = repo.getValue().trim();
      SourceLocation at = location(shown, repo);
      if (value.startsWith("file://")) {
        Path target = dir.resolve(value.substring("file://".length())).normalize();
        if (!target.startsWith(chart) || (Files.exists(target) && !target.toRealPath().startsWith(chart))) {
          throw new InputException("dependency repository '" + value + "' is outside the chart folder "
              + shown(chart) + "; a chart may only read its own folder", at,
              "vendor the dependency under the chart's charts/ folder", null);
        }
        continue;
      }
      if (!Files.isDirectory(dir.resolve("charts"))) {
        throw new InputException("dependency repository '" + value + "' is remote and not vendored in "
            + shown(dir.resolve("charts")) + "; Ferry fetches nothing to render", at,
            "run 'helm dependency build' and commit the charts/ folder", null);
      }
    }
  }

  private Path inside(Path p, SourceLocation from, String what) throws IOException {
    Path normal = p.toAbsolutePath().normalize();
    if (!normal.startsWith(root) && !normal.startsWith(root.toAbsolutePath())) {
      throw escapes(from, what, p.toString());
    }
    Path real = normal.toRealPath();
    if (!real.startsWith(root)) {
      throw escapes(from, what, shown(normal) + " (a link to " + real + ")");
    }
    return real;
  }

  private InputException escapes(SourceLocation at, String field, String value) {
    return new InputException(field + " '" + value + "' leaves the environment repository; with"
        + " render: true Ferry renders only files inside it", at,
        "keep bases and resources inside the repository", null);
  }

  private InputException refused(String file, Node node, String what, String suggestion) {
    SourceLocation at = location(file, node);
    return new InputException(what + "; with render: true Ferry fetches nothing", at, suggestion, null);
  }

  private String shown(Path p) {
    Path abs = p.toAbsolutePath().normalize();
    return abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
  }

  private static SourceLocation location(String file, Node node) {
    return node.getStartMark().map(m -> SourceLocation.of(file, m.getLine() + 1, m.getColumn() + 1))
        .orElse(SourceLocation.of(file, 0, 0));
  }

  private static boolean inline(String value) {
    return value.contains("\n") || value.contains(": ");
  }

  private static List<Node> items(Node node) {
    return node instanceof SequenceNode s ? s.getValue() : List.of();
  }

  private static Node fieldNode(Node node, String name) {
    if (node instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(name)) {
          return t.getValueNode();
        }
      }
    }
    return null;
  }

  private static ScalarNode field(Node node, String name) {
    return fieldNode(node, name) instanceof ScalarNode s ? s : null;
  }

  private static Node compose(String text, String label) {
    return new Compose(LoadSettings.builder().setLabel(label).build()).composeString(text).orElse(null);
  }

}
