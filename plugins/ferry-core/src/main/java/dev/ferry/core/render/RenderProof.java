package dev.ferry.core.render;

import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryException;
import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Proves an image edit by what renders: after the edit, the workload containers that run the
 * promoted repository run exactly the promoted reference (registry, repository, tag and digest,
 * normalised: {@code nginx} is {@code docker.io/library/nginx}), and no container image the edit
 * changed is malformed or another image. This is the net under every values layout, including the
 * ones the editor has never seen: {@code repo:tag:tag}, a doubled registry or a repository key the
 * chart never reads all show here.
 *
 * <pre>{@code
 * new RenderProof().check(renderedBefore, renderedAfter, Set.of(image), "values.yaml key image");
 * }</pre>
 */
public final class RenderProof {

  private static final Set<String> CONTAINER_LISTS = Set.of("containers", "initContainers", "ephemeralContainers");

  /** One container image in a render: where it is and what it says. */
  record Container(String where, String image) { }

  /**
   * @param before the render before the edit
   * @param after the render after it
   * @param promoted the images the edit promotes
   * @param edited what was edited, for messages: the file and the key
   * @return false when the render holds no container of a promoted repository before or after and
   *     the edit changed no container: this render cannot prove the edit (the caller says so)
   * @throws RefusedException naming the edit and what rendered, when the proof fails
   */
  public boolean check(String before, String after, Set<ImageRef> promoted, String edited) {
    List<Container> old = containers(before, "before");
    List<Container> now = containers(after, "after");
    Map<String, Integer> left = new HashMap<>();
    old.forEach(c -> left.merge(c.image(), 1, Integer::sum));
    List<String> problems = new ArrayList<>();
    for (Container c : now) {
      Integer n = left.get(c.image());
      if (n != null && n > 0) {
        left.put(c.image(), n - 1);
        continue;
      }
      // the edit changed this container's image: it must be one of the promoted images
      ImageRef ref;
      try {
        ref = ImageRef.parse(c.image());
      } catch (InputException e) {
        problems.add(c.where() + " renders the malformed image '" + c.image() + "'");
        continue;
      }
      if (promoted.stream().noneMatch(p -> runs(ref, p))) {
        problems.add(c.where() + " renders '" + c.image() + "', which is not " + describe(promoted));
      }
    }
    boolean changed = !problems.isEmpty() || now.size() != old.size() || left.values().stream().anyMatch(n -> n > 0);
    boolean proven = true;
    for (ImageRef p : promoted) {
      List<Container> same = now.stream().filter(c -> sameRepository(c.image(), p)).toList();
      if (same.isEmpty() && !changed && old.stream().noneMatch(c -> sameRepository(c.image(), p))) {
        // this render never ran the image (a component or base used elsewhere): it cannot prove the edit
        proven = false;
      } else if (same.isEmpty()) {
        Set<String> images = new LinkedHashSet<>();
        now.forEach(c -> images.add(c.image()));
        problems.add("no container runs " + p + " (the render has " + (images.isEmpty() ? "no container images"
            : String.join(", ", images.stream().limit(8).toList())) + ")");
      } else {
        for (Container c : same) {
          if (!runs(ImageRef.parse(c.image()), p)) {
            problems.add(c.where() + " still runs '" + c.image() + "', not " + p);
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new RefusedException("the edit of " + edited + " does not render the promoted image: "
          + String.join("; ", problems.stream().limit(5).toList())
          + (problems.size() > 5 ? " (and " + (problems.size() - 5) + " more)" : ""),
          "the chart reads the image from other keys than the ones Ferry set: name them with --key (or 'key:' on"
              + " the target), or set them by hand once; nothing was written", null);
    }
    return proven;
  }

  /**
   * Proves the edit of a Helm values file on disk: renders the chart with the old values and with
   * the new text (from a temporary copy, so the file is written only once proven). A chart that does
   * not render before the edit proves nothing: {@code warn} hears why, and the edit stands unproven.
   */
  public static void proveHelm(Renderer renderer, Path chartDir, Path valuesFile, String after, Set<ImageRef> promoted,
      String edited, Consumer<String> warn) {
    String before;
    try {
      before = renderer.render(new RenderUnit.Helm(chartDir, valuesFile, "release", null));
    } catch (FerryException e) {
      warn.accept("cannot render " + chartDir + " before the edit, so the render does not prove it: " + e.getMessage());
      return;
    }
    Path copy = null;
    try {
      copy = Files.createTempFile("ferry-values", ".yaml");
      Files.writeString(copy, after, StandardCharsets.UTF_8);
      if (!new RenderProof().check(before, renderer.render(new RenderUnit.Helm(chartDir, copy, "release", null)),
          promoted, edited)) {
        warn.accept("no container of " + chartDir + " runs " + describe(promoted) + ": the render does not prove the edit");
      }
    } catch (IOException e) {
      throw new ExternalException("cannot write a temporary values file: " + e.getMessage(), e);
    } finally {
      if (copy != null) {
        copy.toFile().delete();
      }
    }
  }

  /**
   * Proves the edit of a kustomization on disk. Kustomize reads the overlay where it lies (its bases
   * sit in other folders), so the new text is written in place for the render, and the old bytes
   * are put back when the proof fails.
   */
  public static void proveKustomize(Renderer renderer, Path dir, Path file, String before, String after,
      Set<ImageRef> promoted, String edited, Consumer<String> warn) {
    String renderedBefore;
    try {
      renderedBefore = renderer.render(new RenderUnit.Kustomize(dir));
    } catch (FerryException e) {
      warn.accept("cannot render " + dir + " before the edit, so the render does not prove it: " + e.getMessage());
      return;
    }
    boolean proven = false;
    try {
      dev.ferry.core.edit.AtomicFile.writeIfChanged(file, before, after);
      if (!new RenderProof().check(renderedBefore, renderer.render(new RenderUnit.Kustomize(dir)), promoted, edited)) {
        warn.accept("no container of " + dir + " runs " + describe(promoted) + ": the render does not prove the edit");
      }
      proven = true;
    } finally {
      if (!proven) {
        dev.ferry.core.edit.AtomicFile.writeIfChanged(file, after, before);
      }
    }
  }

  private static String describe(Set<ImageRef> promoted) {
    return promoted.size() == 1 ? "the promoted " + promoted.iterator().next()
        : "one of the promoted " + String.join(", ", promoted.stream().map(ImageRef::toString).toList());
  }

  private static boolean sameRepository(String image, ImageRef p) {
    try {
      return ImageRef.parse(image).sameRepository(p);
    } catch (InputException e) {
      return false;
    }
  }

  /**
   * Whether a rendered reference runs the promoted one: same repository, and the same digest when
   * the promotion pins one (a render may drop the tag beside it, or a chart that renders no digest
   * at all the digest: then the same tag), else the same tag and no digest.
   */
  static boolean runs(ImageRef rendered, ImageRef promoted) {
    if (!rendered.sameRepository(promoted)) {
      return false;
    }
    if (promoted.digest() != null) {
      if (rendered.digest() == null) {
        // a chart whose template renders repository:tag only: it runs the promoted tag, unpinned
        return promoted.tag() != null && Objects.equals(rendered.tag(), promoted.tag());
      }
      return promoted.digest().equals(rendered.digest())
          && (rendered.tag() == null || Objects.equals(rendered.tag(), promoted.tag()));
    }
    return rendered.digest() == null && Objects.equals(effectiveTag(rendered), effectiveTag(promoted));
  }

  private static String effectiveTag(ImageRef r) {
    return r.tag() == null ? "latest" : r.tag();
  }

  /** Every container image of every manifest in a multi-document render, in order. */
  static List<Container> containers(String rendered, String which) {
    List<Container> out = new ArrayList<>();
    Iterable<Object> docs;
    try {
      docs = new Load(LoadSettings.builder().setAllowDuplicateKeys(true).setCodePointLimit(RenderGuard.RENDER_LIMIT)
          .build()).loadAllFromString(rendered);
      for (Object doc : docs) {
        if (doc instanceof Map<?, ?> m) {
          Object meta = m.get("metadata");
          String name = meta instanceof Map<?, ?> mm && mm.get("name") != null ? String.valueOf(mm.get("name")) : "?";
          walk(m, m.get("kind") + "/" + name, out, 0);
        }
      }
    } catch (YamlEngineException e) {
      throw new RefusedException("the render " + which + " the edit is not valid YAML: " + e.getMessage());
    }
    return out;
  }

  private static void walk(Object node, String where, List<Container> out, int depth) {
    if (depth > 64) {
      return;
    }
    if (node instanceof Map<?, ?> m) {
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (CONTAINER_LISTS.contains(String.valueOf(e.getKey())) && e.getValue() instanceof List<?> list) {
          for (Object item : list) {
            if (item instanceof Map<?, ?> c && c.get("image") != null) {
              out.add(new Container(where + " container " + c.get("name"), String.valueOf(c.get("image"))));
            }
          }
        } else {
          walk(e.getValue(), where, out, depth + 1);
        }
      }
    } else if (node instanceof List<?> list) {
      for (Object item : list) {
        walk(item, where, out, depth + 1);
      }
    }
  }
}
