package dev.ferry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start-up time of {@code ferry --version} (the launcher's JVM flags, with and without the AppCDS
 * archive {@code ferry.jsa}) against {@code java -version} in the same run: the median wall time of
 * process launches, interleaved so that load on the machine hits all of them alike.
 */
final class StartUp implements Scenario {

  private static final List<String> LAUNCHER_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  @Override
  public String name() {
    return "start-up";
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    if (!Files.isRegularFile(env.ferryJar())) {
      throw new IllegalStateException(env.ferryJar() + " is missing; build plugins/ferry-cli first");
    }
    int runs = size == Size.QUICK ? 5 : 21;
    List<String> java = List.of("java", "-version");
    List<String> plain = command(List.of("-Xshare:auto"), env);
    boolean hasCds = Files.isRegularFile(env.cdsArchive());
    List<String> cds = command(List.of("-XX:SharedArchiveFile=" + env.cdsArchive()), env);

    // one untimed round so that every file is in the page cache
    time(java, null);
    time(plain, "ferry ");
    if (hasCds) {
      time(cds, "ferry ");
    }
    long[] tJava = new long[runs];
    long[] tPlain = new long[runs];
    long[] tCds = new long[runs];
    for (int i = 0; i < runs; i++) {
      tJava[i] = time(java, null);
      tPlain[i] = time(plain, "ferry ");
      if (hasCds) {
        tCds[i] = time(cds, "ferry ");
      }
    }
    List<Result> rows = new ArrayList<>();
    double javaMs = median(tJava);
    if (hasCds) {
      rows.add(new Result("start-up: ferry --version, AppCDS", "ms", false, median(tCds), javaMs,
          notes(runs, cds, tCds, tJava)));
    }
    rows.add(new Result("start-up: ferry --version, no AppCDS", "ms", false, median(tPlain), javaMs,
        notes(runs, plain, tPlain, tJava)));
    return rows;
  }

  private static List<String> command(List<String> extra, Environment env) {
    List<String> c = new ArrayList<>(List.of("java"));
    c.addAll(LAUNCHER_FLAGS);
    c.addAll(extra);
    c.addAll(List.of("-jar", env.ferryJar().toString(), "--version"));
    return c;
  }

  private static Map<String, Object> notes(int runs, List<String> command, long[] ferry, long[] java) {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("baseline", "java -version");
    n.put("runs", runs);
    n.put("command", String.join(" ", command));
    // the minimum is the run least disturbed by other work on the machine
    n.put("ferryMinMillis", Arrays.stream(ferry).min().orElse(0) / 1_000_000);
    n.put("javaMinMillis", Arrays.stream(java).min().orElse(0) / 1_000_000);
    n.put("ferryMillis", Arrays.stream(ferry).map(t -> t / 1_000_000).toArray());
    n.put("javaMillis", Arrays.stream(java).map(t -> t / 1_000_000).toArray());
    return n;
  }

  /** Wall time of one launch in nanoseconds; checks the exit code and, when given, the output. */
  private static long time(List<String> command, String expectOut) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(String.join(" ", command) + " took longer than 60 s");
    }
    long elapsed = System.nanoTime() - start;
    String text = new String(out, StandardCharsets.UTF_8);
    if (p.exitValue() != 0 || (expectOut != null && !text.startsWith(expectOut))) {
      throw new IllegalStateException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text);
    }
    return elapsed;
  }

  private static double median(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mid = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    return mid / 1e6;
  }
}
