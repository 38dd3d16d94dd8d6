package dev.ferry.bench;

import dev.ferry.testing.GitDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether a promotion's cost stays flat as history grows: the {@code ferry} CLI as a process, cold
 * (a fresh cache) and warm (a kept cache), on two generated repositories with the same files and
 * ten times the commits (quick: 2,000 and 20,000 commits of 1,000 files; full: 20,000 and 200,000
 * of 10,000), each against the shell pipeline on the same repository. The growth rows compare
 * Ferry's median time and peak RSS on the long history with those on the short one (goal: within
 * 10%). Each repository's first promotion builds its state index and is not counted.
 */
final class HistoryGrowth implements Scenario {

  @Override
  public String name() {
    return "history growth";
  }

  /** The medians of one repository's runs. */
  private record Sample(int commits, List<CliPromotion.Run> cold, List<Double> shellCold,
      List<CliPromotion.Run> warm, List<Double> shellWarm) {
  }

  @Override
  public List<Result> run(Size size, Environment env) throws Exception {
    boolean quick = size == Size.QUICK;
    int files = quick ? 1_000 : 10_000;
    int shortHistory = quick ? 2_000 : 20_000;
    int repeats = quick ? 3 : 5;
    Sample small = sample(env, GeneratedEnvRepo.of(files, shortHistory), repeats);
    Sample large = sample(env, GeneratedEnvRepo.of(files, shortHistory * 10), repeats);
    double load = Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    List<Result> rows = new ArrayList<>();
    for (Sample s : List.of(small, large)) {
      String repo = files + " files, " + s.commits() + " commits";
      rows.add(CliPromotion.row("cli promote cold, " + s.commits() + " commits", s.cold(), s.shellCold(), repo, load,
          "baseline: git clone --depth 1 + sed -i + git commit + git push"));
      rows.add(CliPromotion.row("cli promote warm, " + s.commits() + " commits", s.warm(), s.shellWarm(), repo, load,
          "baseline: kept clone, git pull --ff-only + sed -i + git commit + git push"));
    }
    rows.add(growth("growth cold promote, time", "ms", small, large, Sample::cold, CliPromotion.Run::millis, load));
    rows.add(growth("growth cold promote, RSS", "MB", small, large, Sample::cold, CliPromotion.Run::rssMegabytes, load));
    rows.add(growth("growth warm promote, time", "ms", small, large, Sample::warm, CliPromotion.Run::millis, load));
    rows.add(growth("growth warm promote, RSS", "MB", small, large, Sample::warm, CliPromotion.Run::rssMegabytes, load));
    return rows;
  }

  private static Result growth(String name, String unit, Sample small, Sample large,
      java.util.function.Function<Sample, List<CliPromotion.Run>> runs,
      java.util.function.ToDoubleFunction<CliPromotion.Run> figure, double load) {
    double before = GitPromotion.median(runs.apply(small).stream().map(figure::applyAsDouble).toList());
    double after = GitPromotion.median(runs.apply(large).stream().map(figure::applyAsDouble).toList());
    Map<String, Object> notes = new LinkedHashMap<>();
    notes.put("summary", "ferry: median at " + large.commits() + " commits; baseline: the same at "
        + small.commits() + " commits (goal: ratio within 1.10)");
    notes.put("loadAverage", load);
    System.err.printf(java.util.Locale.ROOT, "%-28s %s commits %.1f %s, %s commits %.1f %s%n", name,
        small.commits(), before, unit, large.commits(), after, unit);
    return new Result(name, unit, false, after, before, notes);
  }

  private static Sample sample(Environment env, GeneratedEnvRepo generated, int repeats) throws Exception {
    Path work = Files.createTempDirectory("ferry-bench-growth");
    try (GitDaemon daemon = GitDaemon.start(work.resolve("srv"))) {
      generated.copyTo(daemon.base().resolve("env.git"));
      String url = daemon.url("env.git");
      int services = generated.files() / 10;
      Path config = CliPromotion.writeConfig(work, url, services);
      Path log = work.resolve("run.log");
      Path cache = work.resolve("cache-warm");
      Path clone = work.resolve("shell-warm");
      int env2 = CliPromotion.ENV;
      CliPromotion.ferry(env, work, cache, log, "promote", "-c", config.toString(),
          CliPromotion.image(0, "first"), "--to", "env-" + env2, "--no-resolve", "--json");
      CliPromotion.shell(url, work, log, clone, 2, "shell-prime", true);
      List<CliPromotion.Run> cold = new ArrayList<>();
      List<CliPromotion.Run> warm = new ArrayList<>();
      List<Double> shellCold = new ArrayList<>();
      List<Double> shellWarm = new ArrayList<>();
      for (int i = 0; i < repeats; i++) {
        cold.add(CliPromotion.ferry(env, work, work.resolve("cache-cold-" + i), log, "promote", "-c", config.toString(),
            CliPromotion.image(1 + i % (services - 1), "cold-" + i), "--to", "env-" + env2, "--no-resolve", "--json"));
        long t = System.nanoTime();
        CliPromotion.shell(url, work, log, work.resolve("shell-cold-" + i), 1 + i, "shell-cold-" + i, true);
        shellCold.add(CliPromotion.millis(t));
        warm.add(CliPromotion.ferry(env, work, cache, log, "promote", "-c", config.toString(),
            CliPromotion.image(1 + (i + 3) % (services - 1), "warm-" + i), "--to", "env-" + env2, "--no-resolve", "--json"));
        t = System.nanoTime();
        CliPromotion.shell(url, work, log, clone, 3 + i, "shell-warm-" + i, false);
        shellWarm.add(CliPromotion.millis(t));
      }
      return new Sample(generated.commits(), cold, shellCold, warm, shellWarm);
    } finally {
      GeneratedEnvRepo.deleteTree(work);
    }
  }
}
