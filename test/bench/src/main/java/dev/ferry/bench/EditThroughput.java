package dev.ferry.bench;

import dev.ferry.core.edit.DocumentSelector;
import dev.ferry.core.edit.YamlEditor;
import dev.ferry.core.edit.YamlPath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Edits per second on a generated 5,000-line Helm values file: Ferry's splice edit (parse to find
 * the scalar, splice it into the text) against parse-and-re-serialise (SnakeYAML Engine load, set,
 * dump), which is what a naive tool does and which loses every comment.
 */
final class EditThroughput implements Scenario {

  static final int LINES = 5_000;

  @Override
  public String name() {
    return "edit a 5,000-line values file";
  }

  @Override
  public List<Result> run(Size size, Environment env) {
    String text = valuesFile(LINES);
    YamlPath path = YamlPath.parse("web.image.tag");
    String[] values = {"1.4.2", "1.4.3"};
    long warm = size == Size.QUICK ? 2_000 : 10_000;
    long measure = size == Size.QUICK ? 6_000 : 40_000;

    IntConsumer ferry = i -> {
      String out = YamlEditor.set("values.yaml", text, path, values[i & 1], DocumentSelector.single());
      if (out.length() < text.length() - 10) {
        throw new IllegalStateException("edit lost text");
      }
    };
    Load load = new Load(LoadSettings.builder().build());
    Dump dump = new Dump(DumpSettings.builder().build());
    IntConsumer baseline = i -> {
      @SuppressWarnings("unchecked")
      Map<String, Object> doc = (Map<String, Object>) load.loadFromString(text);
      @SuppressWarnings("unchecked")
      Map<String, Object> image = (Map<String, Object>) ((Map<String, Object>) doc.get("web")).get("image");
      image.put("tag", values[i & 1]);
      if (dump.dumpToString(doc).isEmpty()) {
        throw new IllegalStateException("empty dump");
      }
    };
    interleaved(ferry, baseline, warm);
    double[] rates = interleaved(ferry, baseline, measure);
    double f = rates[0];
    double b = rates[1];

    String dumped = dump.dumpToString(load.loadFromString(text));
    Map<String, Object> notes = new LinkedHashMap<>();
    notes.put("lines", text.split("\n").length);
    notes.put("baseline", "SnakeYAML Engine load + set + dump, same JVM, interleaved in 250 ms slices");
    notes.put("measureMillis", measure);
    // "# service N" appears only in comments (a quoted value holds "#" too, so count the words)
    notes.put("commentsInFile", text.split("# service ", -1).length - 1);
    notes.put("commentsAfterBaselineDump", dumped.split("# service ", -1).length - 1);
    return List.of(new Result(name(), "edits/s", true, f, b, notes));
  }

  /**
   * Operations per second of {@code a} and {@code b} over {@code millis} of wall time, taken in
   * alternating slices of 250 ms so that a change of load on the machine hits both alike.
   */
  private static double[] interleaved(IntConsumer a, IntConsumer b, long millis) {
    long[] ops = new long[2];
    long[] nanos = new long[2];
    IntConsumer[] both = {a, b};
    long end = System.nanoTime() + millis * 1_000_000;
    while (System.nanoTime() < end) {
      for (int side = 0; side < 2; side++) {
        long start = System.nanoTime();
        long sliceEnd = start + 250_000_000L;
        long now;
        do {
          both[side].accept((int) ops[side]++);
          now = System.nanoTime();
        } while (now < sliceEnd);
        nanos[side] += now - start;
      }
    }
    return new double[] {ops[0] / (nanos[0] / 1e9), ops[1] / (nanos[1] / 1e9)};
  }

  /** A values file of about {@code lines} lines with comments, lists, flow collections and quoting. */
  static String valuesFile(int lines) {
    StringBuilder s = new StringBuilder("# Generated values for the benchmark\n\n");
    int i = 0;
    while (s.chars().filter(c -> c == '\n').count() < lines - 12) {
      s.append("service").append(i).append(":  # service ").append(i).append('\n')
          .append("  enabled: true\n")
          .append("  replicas: ").append(i % 5 + 1).append('\n')
          .append("  image:\n")
          .append("    repository: registry.example.com/shop/svc").append(i).append('\n')
          .append("    tag: \"1.").append(i).append(".0\"\n")
          .append("  env:\n")
          .append("    - {name: LOG_LEVEL, value: info}\n")
          .append("    - name: 'GREETING'\n")
          .append("      value: \"hello, world #").append(i).append("\"\n")
          .append("  resources: {limits: {cpu: 500m, memory: 256Mi}}\n")
          .append('\n');
      i++;
    }
    s.append("web:\n  image:\n    repository: registry.example.com/shop/web  # the web tier\n    tag: 1.4.1\n");
    return s.toString();
  }
}
