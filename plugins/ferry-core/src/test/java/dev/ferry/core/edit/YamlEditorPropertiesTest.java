package dev.ferry.core.edit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Generated documents (nested block and flow collections, every quoting style, comments, blank
 * lines, CRLF, a byte-order mark, non-ASCII and astral characters) with one scalar set to a
 * generated value: the text may differ only inside that scalar's span, and the document read back
 * must equal the original data with that one value replaced.
 */
class YamlEditorPropertiesTest {

  private static final String[] PLAIN = {"alpha", "v1.2.3", "registry.example.com/shop/web:1.4.1", "émoji-😀", "日本"};
  private static final String[] ANY = {"it's", "😀 ok", "a # b", "x: y", "1.10", "true", "", " padded ", "tab\there"};
  private static final String[] TOKENS = {"a", "Z", "1", "0", ".", ":", " ", "#", "-", "'", "\"", "\\", "é", "😀",
      "日", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "%", "@", "`", "\t", "~", "yes", "null", "true",
      "1.10", "0x1F", "\n", "\u0007", "<<", "="};

  /** A scalar the generator wrote, with where it wrote it. */
  private static final class Leaf {
    final List<Object> path = new ArrayList<>();
    int start;
    int end;
  }

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.of(TOKENS).list().ofMinSize(0).ofMaxSize(6).map(l -> String.join("", l));
  }

  @Property(tries = 400)
  void onlyTheTargetScalarChanges(@ForAll long seed, @ForAll("values") String value) {
    Random random = new Random(seed);
    Writer w = new Writer(random, random.nextBoolean() ? "\r\n" : "\n");
    if (random.nextInt(4) == 0) {
      w.out.append('\uFEFF');
    }
    Map<String, Object> data = w.mapping(0, 0, new ArrayList<>());
    if (random.nextInt(4) == 0 && w.out.length() > 0) {
      w.out.setLength(w.out.length() - w.nl.length()); // no final newline
    }
    String before = w.out.toString();
    Leaf leaf = w.leaves.get(random.nextInt(w.leaves.size()));
    YamlPath path = toPath(leaf.path);

    String after = YamlEditor.set("gen.yaml", before, path, value, DocumentSelector.single());

    int prefix = 0;
    int max = Math.min(before.length(), after.length());
    while (prefix < max && before.charAt(prefix) == after.charAt(prefix)) {
      prefix++;
    }
    int suffix = 0;
    while (suffix < max - prefix
        && before.charAt(before.length() - 1 - suffix) == after.charAt(after.length() - 1 - suffix)) {
      suffix++;
    }
    if (!before.equals(after)) {
      assertThat(prefix).as("first changed index in\n%s\n->\n%s", before, after).isGreaterThanOrEqualTo(leaf.start);
      assertThat(before.length() - suffix).as("end of change in\n%s\n->\n%s", before, after).isLessThanOrEqualTo(leaf.end);
    }
    replace(data, leaf.path, value);
    Object loaded = new Load(LoadSettings.builder().build()).loadFromString(after);
    assertThat(loaded).as("%s\n->\n%s", before, after).isEqualTo(data);
    assertThat(YamlEditor.set("gen.yaml", after, path, value, DocumentSelector.single())).isSameAs(after);
  }

  @SuppressWarnings("unchecked")
  private static void replace(Object node, List<Object> path, String value) {
    for (int i = 0; i < path.size() - 1; i++) {
      Object seg = path.get(i);
      node = seg instanceof String k ? ((Map<String, Object>) node).get(k) : ((List<Object>) node).get((Integer) seg);
    }
    Object last = path.get(path.size() - 1);
    if (last instanceof String k) {
      ((Map<String, Object>) node).put(k, value);
    } else {
      ((List<Object>) node).set((Integer) last, value);
    }
  }

  private static YamlPath toPath(List<Object> path) {
    List<YamlPath.Segment> segments = new ArrayList<>();
    for (Object seg : path) {
      segments.add(seg instanceof String k ? new YamlPath.Key(k) : new YamlPath.Index((Integer) seg));
    }
    return new YamlPath(segments);
  }

  /** Writes random YAML and the data it means. */
  private static final class Writer {
    final Random random;
    final String nl;
    final StringBuilder out = new StringBuilder();
    final List<Leaf> leaves = new ArrayList<>();

    Writer(Random random, String nl) {
      this.random = random;
      this.nl = nl;
    }

    Map<String, Object> mapping(int indent, int depth, List<Object> path) {
      Map<String, Object> data = new LinkedHashMap<>();
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        String key = "k" + i + (random.nextInt(5) == 0 ? ".dot" : "");
        List<Object> here = new ArrayList<>(path);
        here.add(key);
        decorate(indent);
        out.append(" ".repeat(indent)).append(key).append(':');
        int kind = depth < 3 ? random.nextInt(6) : 0;
        if (kind <= 2) {
          out.append(' ');
          data.put(key, scalar(here, false));
          comment();
          out.append(nl);
        } else if (kind == 3) {
          out.append(nl);
          data.put(key, mapping(indent + 2 + random.nextInt(2) * 2, depth + 1, here));
        } else if (kind == 4) {
          out.append(nl);
          data.put(key, sequence(indent + random.nextInt(2) * 2, here));
        } else {
          out.append(' ');
          data.put(key, flow(here));
          comment();
          out.append(nl);
        }
      }
      return data;
    }

    List<Object> sequence(int indent, List<Object> path) {
      List<Object> data = new ArrayList<>();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        List<Object> here = new ArrayList<>(path);
        here.add(i);
        decorate(indent);
        out.append(" ".repeat(indent)).append("- ");
        data.add(scalar(here, false));
        comment();
        out.append(nl);
      }
      return data;
    }

    Object flow(List<Object> path) {
      if (random.nextBoolean()) {
        Map<String, Object> data = new LinkedHashMap<>();
        out.append('{');
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
          String key = "f" + i;
          List<Object> here = new ArrayList<>(path);
          here.add(key);
          out.append(i == 0 ? "" : ", ").append(key).append(": ");
          data.put(key, scalar(here, true));
        }
        out.append('}');
        return data;
      }
      List<Object> data = new ArrayList<>();
      out.append('[');
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        List<Object> here = new ArrayList<>(path);
        here.add(i);
        out.append(i == 0 ? "" : ", ");
        data.add(scalar(here, true));
      }
      out.append(']');
      return data;
    }

    String scalar(List<Object> path, boolean inFlow) {
      Leaf leaf = new Leaf();
      leaf.path.addAll(path);
      leaf.start = out.length();
      String value;
      int style = random.nextInt(3);
      if (style == 0) {
        value = PLAIN[random.nextInt(PLAIN.length)];
        out.append(value);
      } else {
        value = ANY[random.nextInt(ANY.length)];
        out.append(style == 1 && !value.contains("\t") ? ScalarText.singleQuoted(value) : ScalarText.doubleQuoted(value));
      }
      leaf.end = out.length();
      leaves.add(leaf);
      return value;
    }

    void decorate(int indent) {
      int r = random.nextInt(8);
      if (r == 0) {
        out.append(nl);
      } else if (r == 1) {
        out.append(" ".repeat(indent)).append("# note ü 😀").append(nl);
      }
    }

    void comment() {
      if (random.nextInt(3) == 0) {
        out.append(" ".repeat(1 + random.nextInt(3))).append("# c 😀 'x' \"y\"");
      }
    }
  }
}
