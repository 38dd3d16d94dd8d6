package dev.ferry.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every scenario of the {@link Catalogue}, prints a table (scenario, ferry, baseline, ratio)
 * and writes {@code test/bench/results/<size>.json}.
 *
 * <pre>java -cp ... dev.ferry.bench.Bench --quick</pre>
 */
public final class Bench {

  private Bench() {
  }

  public static void main(String[] args) throws Exception {
    Scenario.Size size = Scenario.Size.FULL;
    Path root = Path.of("").toAbsolutePath();
    String only = null;
    for (String arg : String.join(" ", args).trim().split("\\s+")) {
      switch (arg) {
        case "--quick" -> size = Scenario.Size.QUICK;
        case "--full", "" -> size = Scenario.Size.FULL;
        default -> {
          if (arg.startsWith("--root=")) {
            root = Path.of(arg.substring("--root=".length())).toAbsolutePath();
          } else if (arg.startsWith("--only=")) {
            only = arg.substring("--only=".length());
          } else {
            System.err.println("usage: Bench [--quick|--full] [--root=DIR] [--only=WORD]");
            System.exit(2);
          }
        }
      }
    }
    Environment env = Environment.at(root);
    List<Result> results = new ArrayList<>();
    for (Scenario s : Catalogue.all()) {
      if (only != null && !s.name().replace(' ', '-').contains(only.replace(' ', '-'))) {
        continue;
      }
      long start = System.nanoTime();
      System.err.println("bench: " + s.name() + " ...");
      results.addAll(s.run(size, env));
      System.err.printf("bench: %s done in %.1f s%n", s.name(), (System.nanoTime() - start) / 1e9);
    }
    System.out.print(table(results));

    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("size", size.name().toLowerCase());
    doc.put("date", Instant.now().toString());
    doc.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    doc.put("cpus", Runtime.getRuntime().availableProcessors());
    doc.put("loadAverage", loadAverage());
    doc.put("workFolder", workFolder());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Result r : results) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("scenario", r.scenario());
      row.put("unit", r.unit());
      row.put("higherIsBetter", r.higherIsBetter());
      row.put("ferry", round(r.ferry()));
      row.put("baseline", round(r.baseline()));
      row.put("ratio", round(r.ratio()));
      row.put("notes", r.notes());
      rows.add(row);
    }
    doc.put("results", rows);
    // a partial run does not overwrite the whole run's figures
    String file = size.name().toLowerCase() + (only == null ? "" : "-" + only.replaceAll("[^A-Za-z0-9]+", "-"));
    Path out = root.resolve("test/bench/results/" + file + ".json");
    Files.createDirectories(out.getParent());
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), doc);
    System.out.println("results: " + root.relativize(out));
  }

  static String table(List<Result> results) {
    StringBuilder s = new StringBuilder();
    int width = results.stream().mapToInt(r -> r.scenario().length()).max().orElse(0);
    String format = "%-" + Math.max(40, width) + "s %16s %16s %8s%n";
    s.append(String.format(format, "scenario", "ferry", "baseline", "ratio"));
    for (Result r : results) {
      s.append(String.format(format, r.scenario(), fmt(r.ferry()) + " " + r.unit(), fmt(r.baseline()) + " " + r.unit(),
          String.format("%.2fx", r.ratio())));
      // a scenario may sum up what the figures hide, e.g. "baseline: 15 of 16 pushes failed"
      if (r.notes() != null && r.notes().get("summary") != null) {
        s.append("    ").append(r.notes().get("summary")).append('\n');
      }
    }
    return s.toString();
  }

  private static String fmt(double v) {
    return v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
  }

  /** The machine's load average at the end (Linux), since wall times depend on it. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  /** Where the scenarios worked, and on which file system (it moves the cold baselines: test/bench/run). */
  private static String workFolder() {
    String dir = System.getProperty("java.io.tmpdir");
    try {
      return dir + " (" + Files.getFileStore(Path.of(dir)).type() + ")";
    } catch (java.io.IOException e) {
      return dir;
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
