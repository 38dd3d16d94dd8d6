package dev.ferry.cli;

import dev.ferry.core.promote.Promoter;
import dev.ferry.core.state.StateIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code ferry index rebuild}: builds the state index of each environment repository from its history. */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = "Manage the state index (refs/ferry/state/<branch>) of the environment repositories.",
    subcommands = IndexCommand.Rebuild.class)
public final class IndexCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  /** {@code ferry index rebuild}. */
  @Command(name = "rebuild", mixinStandardHelpOptions = true,
      description = "Build the state index of every environment repository again from its history and push it,"
          + " replacing a corrupt or hand-edited one.")
  public static final class Rebuild implements Callable<Integer> {

    @Mixin CommonOptions common;
    @Mixin ConfigOptions config;
    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      Console console = Console.of(spec.commandLine());
      try (Promoter promoter = config.promoter(config.load(), false, console)) {
        List<Map<String, Object>> rebuilt = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String env : firstOfEachRepo(promoter)) {
          StateIndex index = promoter.stateOf(env).rebuild();
          var repo = promoter.repoOf(env);
          Map<String, Object> r = new LinkedHashMap<>();
          r.put("repo", promoter.config().environment(env).repo());
          r.put("url", repo.url());
          r.put("ref", repo.stateRef());
          r.put("base", index.base());
          r.put("services", index.services().size());
          rebuilt.add(r);
          text.append("Rebuilt ").append(repo.stateRef()).append(" of ").append(repo.url()).append(" at ")
              .append(index.base(), 0, 12).append(" (").append(index.services().size()).append(" service entries).\n");
        }
        console.result(Map.of("rebuilt", rebuilt), text.toString().strip());
        return 0;
      }
    }
  }

  /** One environment per repository: the index belongs to the repository's branch. */
  static List<String> firstOfEachRepo(Promoter promoter) {
    Set<String> repos = new LinkedHashSet<>();
    List<String> out = new ArrayList<>();
    for (String env : promoter.config().environmentOrder()) {
      if (repos.add(promoter.config().environment(env).repo())) {
        out.add(env);
      }
    }
    return out;
  }
}
