package dev.ferry.bench;

import dev.ferry.testing.ChildJvm;
import dev.ferry.testing.GitDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * N promoters of distinct services pushing to one branch at once (8 quick, 64 full), each in its own
 * process: Ferry ({@link PromoterProcess}, each with a warm cache, as CI agents that promoted before)
 * against the same load with the shell pipeline {@code git clone --depth 1} + {@code sed -i} +
 * {@code git commit} + {@code git push}, started at once and without retry, as most pipelines are
 * written. Successful promotions per second, and failed pushes.
 */
final class ConcurrentPromoters implements Scenario {

  @Override
  public String name() {
    return "concurrent promoters";
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    GeneratedEnvRepo generated = GeneratedEnvRepo.of(size);
    int promoters = size == Size.QUICK ? 8 : 64;
    Path work = Files.createTempDirectory("ferry-bench-concurrent");
    try (GitDaemon daemon = GitDaemon.start(work.resolve("srv"))) {
      generated.copyTo(daemon.base().resolve("env.git"));
      String url = daemon.url("env.git");

      // Ferry: copies of one primed mirror, so the figure measures pushing, not first clones
      Path primed = work.resolve("primed");
      GitPromotion.promote(url, primed, 0, "prime");
      Path dir = Files.createDirectories(work.resolve("ferry"));
      Path start = dir.resolve("start");
      List<Process> procs = new ArrayList<>();
      List<Path> ready = new ArrayList<>();
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      for (int i = 0; i < promoters; i++) {
        Path r = dir.resolve("ready-" + i);
        ready.add(r);
        Path cache = dir.resolve("cache-" + i);
        GeneratedEnvRepo.copyTree(primed, cache);
        // the launcher's JVM flags (plugins/ferry-cli), a small heap: many JVMs share two cores here
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m"));
        cmd.addAll(ChildJvm.QUIET);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PromoterProcess.class.getName(),
            url, cache.toString(), String.valueOf(1 + i), "conc-" + i, r.toString(), start.toString()));
        procs.add(new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("p-" + i + ".log").toFile()).start());
      }
      while (!ready.stream().allMatch(Files::exists)) {
        if (!procs.stream().allMatch(Process::isAlive)) {
          throw new IllegalStateException("a promoter process died before the start: see logs in " + dir);
        }
        Thread.sleep(20);
      }
      long t = System.nanoTime();
      Files.writeString(start, "go");
      int ferryOk = 0;
      int attempts = 0;
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < promoters; i++) {
        Process p = procs.get(i);
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
        // the log holds stderr too (e.g. SLF4J's notice); the answer is the line OK or FAIL
        List<String> lines = Files.readAllLines(dir.resolve("p-" + i + ".log"));
        String ok = lines.stream().filter(l -> l.startsWith("OK ")).findFirst().orElse(null);
        if (!p.isAlive() && p.exitValue() == 0 && ok != null) {
          ferryOk++;
          attempts += Integer.parseInt(ok.split(" ")[1]);
        } else if (failures.size() < 3) {
          failures.add(lines.stream().filter(l -> l.startsWith("FAIL ")).findFirst()
              .orElse(String.join(" / ", lines)));
        }
      }
      double ferrySecs = (System.nanoTime() - t) / 1e9;

      Path shell = Files.createDirectories(work.resolve("shell"));
      List<Process> jobs = new ArrayList<>();
      long ts = System.nanoTime();
      for (int i = 0; i < promoters; i++) {
        String script = "set -e; git clone -q --depth 1 --branch main \"$1\" \"$2\"; cd \"$2\"; "
            + "sed -i \"s/^  tag: .*/  tag: $3/\" \"$4\"; git commit -q -am \"Promote $3\"; git push -q origin HEAD:main";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, "shell", url, shell.resolve("c-" + i).toString(),
            "shellconc-" + i, GeneratedEnvRepo.path(promoters + 1 + i)).redirectErrorStream(true)
            .redirectOutput(shell.resolve("s-" + i + ".log").toFile());
        GeneratedEnvRepo.ciIdentity(pb);
        jobs.add(pb.start());
      }
      int shellOk = 0;
      for (Process p : jobs) {
        if (!p.waitFor(600, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        } else {
          shellOk += p.exitValue() == 0 ? 1 : 0;
        }
      }
      double shellSecs = (System.nanoTime() - ts) / 1e9;

      Map<String, Object> notes = new LinkedHashMap<>();
      notes.put("summary", String.format("ferry: %d of %d succeeded in %.1f s (%.1f attempts each); "
          + "baseline: %d of %d pushes failed", ferryOk, promoters, ferrySecs,
          ferryOk == 0 ? 0.0 : (double) attempts / ferryOk, promoters - shellOk, promoters));
      notes.put("promoters", promoters);
      notes.put("repository", generated.files() + " files, " + generated.commits() + " commits");
      notes.put("baseline", "git clone --depth 1 + sed -i + git commit + git push, no retry");
      notes.put("ferrySucceeded", ferryOk);
      notes.put("ferrySeconds", Math.round(ferrySecs * 100) / 100.0);
      notes.put("ferryMeanAttempts", ferryOk == 0 ? 0 : Math.round(100.0 * attempts / ferryOk) / 100.0);
      notes.put("ferryFailures", failures);
      notes.put("baselineSucceeded", shellOk);
      notes.put("baselineFailedPushes", promoters - shellOk);
      notes.put("baselineSeconds", Math.round(shellSecs * 100) / 100.0);
      if (ferryOk != promoters) {
        // Ferry retries lost races; a promoter that still fails is a bug, not a slow figure
        throw new IllegalStateException(notes.get("summary") + "; first failures: " + failures);
      }
      return List.of(
          new Result(promoters + " concurrent promoters", "promotions/s", true, ferryOk / ferrySecs,
              shellOk / shellSecs, notes),
          new Result(promoters + " concurrent promoters, failed", "pushes", false, promoters - ferryOk,
              promoters - shellOk, withoutSummary(notes)));
    } finally {
      GeneratedEnvRepo.deleteTree(work);
    }
  }

  /** The same notes without the summary, so the table prints it once for the two rows. */
  private static Map<String, Object> withoutSummary(Map<String, Object> notes) {
    Map<String, Object> n = new LinkedHashMap<>(notes);
    n.remove("summary");
    return n;
  }
}
