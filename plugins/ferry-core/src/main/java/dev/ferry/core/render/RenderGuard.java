package dev.ferry.core.render;

import dev.ferry.core.InputException;
import dev.ferry.core.RefusedException;
import dev.ferry.core.image.ImageRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * Compares two renders of an environment and allows only what a promotion should change: the
 * {@code image} of containers, init containers and ephemeral containers, and only to one of the
 * promoted images.
 *
 * <pre>{@code
 * RenderGuard guard = new RenderGuard();
 * RenderDiff diff = guard.check(renderer.render(before), renderer.render(after), Set.of(image));
 * events.on(FerryEvent.info("render", diff.changedImages().toString()));
 * }</pre>
 *
 * <p>Manifests are matched by apiVersion, kind, namespace and name, so the order in which a tool
 * emits them does not matter; inside a manifest the trees are compared value by value.
 */
public final class RenderGuard {

  /** How many other changes a refusal names. */
  static final int SHOWN = 5;

  /** The largest render compared, in code points. */
  static final int RENDER_LIMIT = 256 * 1024 * 1024;

  private static final Set<String> CONTAINER_LISTS = Set.of("containers", "initContainers", "ephemeralContainers");
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private record Manifest(String label, Object tree) { }

  /** Every difference, sorted into promoted image changes and the rest; never throws for differences. */
  public RenderDiff compare(String before, String after, Set<ImageRef> promotedImages) {
    Map<String, Manifest> old = manifests(before, "before");
    Map<String, Manifest> now = manifests(after, "after");
    List<String> images = new ArrayList<>();
    List<String> others = new ArrayList<>();
    for (Map.Entry<String, Manifest> e : old.entrySet()) {
      Manifest next = now.get(e.getKey());
      if (next == null) {
        others.add(e.getValue().label + ": removed");
      } else {
        new Walk(e.getValue().label, promotedImages, images, others).compare(new ArrayList<>(), e.getValue().tree,
            next.tree);
      }
    }
    for (Map.Entry<String, Manifest> e : now.entrySet()) {
      if (!old.containsKey(e.getKey())) {
        others.add(e.getValue().label + ": added");
      }
    }
    return new RenderDiff(images, others, LineDiff.unified("before", "after", before, after, 3));
  }

  /**
   * Compares and refuses anything beyond the promoted images.
   *
   * @throws RefusedException naming the first few other changes
   */
  public RenderDiff check(String before, String after, Set<ImageRef> promotedImages) {
    RenderDiff diff = compare(before, after, promotedImages);
    if (!diff.onlyImages()) {
      List<String> other = diff.otherChanges();
      String shown = String.join("; ", other.subList(0, Math.min(SHOWN, other.size())));
      String more = other.size() > SHOWN ? " (and " + (other.size() - SHOWN) + " more)" : "";
      throw new RefusedException("the rendered manifests change more than the promoted images: " + shown + more,
          "the environment has render: true; commit changes other than images separately, then promote again",
          null);
    }
    return diff;
  }

  private static Map<String, Manifest> manifests(String text, String which) {
    Map<String, Manifest> manifests = new LinkedHashMap<>();
    Iterable<Object> documents;
    try {
      // charts that ship CRDs render far beyond the parser's default 3 MB limit
      documents = new Load(LoadSettings.builder().setLabel("rendered manifests (" + which + ")")
          .setCodePointLimit(RENDER_LIMIT).build())
          .loadAllFromString(text);
      int index = 0;
      for (Object document : documents) {
        index++;
        if (document == null) {
          continue;
        }
        if (!(document instanceof Map<?, ?> map)) {
          throw new RefusedException("rendered manifests (" + which + "): document " + index + " is not a mapping");
        }
        String kind = string(map.get("kind"));
        Object metadata = map.get("metadata");
        String name = metadata instanceof Map<?, ?> m ? string(m.get("name")) : null;
        String namespace = metadata instanceof Map<?, ?> m ? string(m.get("namespace")) : null;
        String key = string(map.get("apiVersion")) + "|" + kind + "|" + namespace + "|" + name;
        String label = (kind == null ? "document " + index : kind) + "/" + (name == null ? "?" : name)
            + (namespace == null ? "" : " (namespace " + namespace + ")");
        String unique = key;
        for (int n = 2; manifests.containsKey(unique); n++) {
          unique = key + "#" + n;
        }
        manifests.put(unique, new Manifest(label, document));
      }
    } catch (YamlEngineException e) {
      throw new RefusedException("rendered manifests (" + which + ") are not valid YAML: " + e.getMessage());
    }
    return manifests;
  }

  private static String string(Object value) {
    return value == null ? null : value.toString();
  }

  /** One manifest's comparison, collecting into the shared lists. */
  private record Walk(String label, Set<ImageRef> promoted, List<String> images, List<String> others) {

    void compare(List<Object> path, Object a, Object b) {
      if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
        Set<Object> keys = new LinkedHashSet<>(ma.keySet());
        keys.addAll(mb.keySet());
        for (Object key : keys) {
          path.add(key);
          if (!mb.containsKey(key)) {
            others.add(label + ": " + show(path) + " removed (was " + value(ma.get(key)) + ")");
          } else if (!ma.containsKey(key)) {
            others.add(label + ": " + show(path) + " added: " + value(mb.get(key)));
          } else if (key.equals("image") && isContainer(path)) {
            image(path, ma.get(key), mb.get(key), mb.get("name"));
          } else {
            compare(path, ma.get(key), mb.get(key));
          }
          path.remove(path.size() - 1);
        }
      } else if (a instanceof List<?> la && b instanceof List<?> lb) {
        for (int i = 0; i < Math.max(la.size(), lb.size()); i++) {
          path.add(i);
          if (i >= lb.size()) {
            others.add(label + ": " + show(path) + " removed (was " + value(la.get(i)) + ")");
          } else if (i >= la.size()) {
            others.add(label + ": " + show(path) + " added: " + value(lb.get(i)));
          } else {
            compare(path, la.get(i), lb.get(i));
          }
          path.remove(path.size() - 1);
        }
      } else if (!Objects.equals(a, b)) {
        others.add(label + ": " + show(path) + ": " + value(a) + " -> " + value(b));
      }
    }

    /** The path is {@code ...containers[i].image} (or init/ephemeral containers). */
    private static boolean isContainer(List<Object> path) {
      int n = path.size();
      return n >= 3 && path.get(n - 2) instanceof Integer && CONTAINER_LISTS.contains(String.valueOf(path.get(n - 3)));
    }

    private void image(List<Object> path, Object oldValue, Object newValue, Object container) {
      if (Objects.equals(oldValue, newValue)) {
        return;
      }
      String change = value(oldValue) + " -> " + value(newValue);
      if (newValue instanceof String text && promotedTo(text)) {
        String kind = String.valueOf(path.get(path.size() - 3));
        String what = kind.equals("containers") ? "container" : kind.substring(0, kind.length() - 1);
        what = what.equals("initContainer") ? "init container" : what.equals("ephemeralContainer")
            ? "ephemeral container" : what;
        images.add(label + " " + what + " " + (container == null ? "#" + path.get(path.size() - 2) : container)
            + ": " + change);
      } else {
        others.add(label + ": " + show(path) + ": " + change + " (not a promoted image)");
      }
    }

    /** The rendered reference names a promoted repository and agrees with its tag and digest. */
    private boolean promotedTo(String text) {
      ImageRef rendered;
      try {
        rendered = ImageRef.parse(text);
      } catch (InputException e) {
        return false;
      }
      if (rendered.tag() == null && rendered.digest() == null) {
        return false;
      }
      for (ImageRef image : promoted) {
        if (image.sameRepository(rendered)
            && (image.tag() == null || rendered.tag() == null || image.tag().equals(rendered.tag()))
            && (image.digest() == null || rendered.digest() == null || image.digest().equals(rendered.digest()))) {
          return true;
        }
      }
      return false;
    }

    /** {@code spec.template.spec.containers[0].image}, with {@code ["a.b"]} for keys that need it. */
    private static String show(List<Object> path) {
      StringBuilder s = new StringBuilder();
      for (Object part : path) {
        if (part instanceof Integer i) {
          s.append('[').append(i).append(']');
        } else if (PLAIN_KEY.matcher(String.valueOf(part)).matches()) {
          s.append(s.length() == 0 ? "" : ".").append(part);
        } else {
          s.append("[\"").append(part).append("\"]");
        }
      }
      return s.length() == 0 ? "(document)" : s.toString();
    }

    private static String value(Object value) {
      String text = value instanceof Map || value instanceof List ? compact(value) : String.valueOf(value);
      return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }

    private static String compact(Object value) {
      if (value instanceof Map<?, ?> map) {
        List<String> parts = new ArrayList<>();
        map.forEach((k, v) -> parts.add(k + ": " + compact(v)));
        return "{" + String.join(", ", parts) + "}";
      }
      if (value instanceof List<?> list) {
        List<String> parts = new ArrayList<>();
        list.forEach(v -> parts.add(compact(v)));
        return "[" + String.join(", ", parts) + "]";
      }
      return String.valueOf(value);
    }
  }
}
