package dev.ferry.cli;

import dev.ferry.core.config.EnvironmentConfig;
import dev.ferry.core.config.FerryConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code ferry environments}: the environments of ferry.yaml in order, for CI front ends. */
@Command(name = "environments", mixinStandardHelpOptions = true,
    description = "List the environments of ferry.yaml in promotion order, with their policy.")
public final class EnvironmentsCommand implements Callable<Integer> {

  @Mixin CommonOptions common;
  @Mixin ConfigOptions config;
  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Console console = Console.of(spec.commandLine());
    FerryConfig loaded = config.load();
    List<Map<String, Object>> envs = new ArrayList<>();
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ENV", "AFTER", "APPROVAL", "GATES", "ROLLBACK", "MODE"});
    for (String name : loaded.environmentOrder()) {
      EnvironmentConfig e = loaded.environment(name);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", name);
      m.put("after", e.after().orElse(null));
      m.put("approval", e.approvalRequired());
      m.put("approvers", e.approvers());
      m.put("gates", e.gates().size());
      m.put("rollback", e.rollback().name().toLowerCase(java.util.Locale.ROOT));
      m.put("mode", e.mode() == dev.ferry.core.config.PromotionMode.PULL_REQUEST ? "pull-request" : "direct");
      envs.add(m);
      rows.add(new String[] {name, e.after().orElse("-"), e.approvalRequired() ? "required" : "-",
          String.valueOf(e.gates().size()), String.valueOf(m.get("rollback")), String.valueOf(m.get("mode"))});
    }
    console.result(Map.of("environments", envs), Table.render(rows));
    return 0;
  }
}
