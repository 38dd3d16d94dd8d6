package dev.ferry.core.gate;

import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.config.GateConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the gates of an environment from its {@code gates:} entries, through the kinds of
 * {@link GateCatalogue}. Settings may contain {@code {env}} (replaced by the environment) and
 * {@code {service}} (the gate is then checked once per promoted service). Secrets are read from the
 * environment variables that {@code tokenEnv} names.
 *
 * <pre>{@code
 * List<Gate> gates = Gates.fromConfig(env.gates(), "staging", System.getenv());
 * }</pre>
 */
public final class Gates {

  private Gates() {
  }

  /**
   * Every problem of one {@code gates:} entry, each as {@code file:line:col: gate KIND: ...}; empty
   * when it is valid. The configuration loader reports the same problems at the setting's own line.
   */
  public static List<String> validate(GateConfig config) {
    return GateCatalogue.problems(config.kind(), config.settings()).stream()
        .map(p -> config.location() + ": " + p.message()).toList();
  }

  /** Builds the gates of an environment, with the system clock. */
  public static List<Gate> fromConfig(List<GateConfig> configs, String environment, Map<String, String> env) {
    return fromConfig(configs, environment, env, Clock.systemUTC());
  }

  /**
   * Builds the gates of an environment.
   *
   * @param env the process environment, where {@code tokenEnv} and {@code KUBECONFIG} are read
   * @throws InputException listing every invalid entry, or naming an unset token variable
   */
  public static List<Gate> fromConfig(List<GateConfig> configs, String environment, Map<String, String> env, Clock clock) {
    List<String> errors = new ArrayList<>();
    for (GateConfig c : configs) {
      errors.addAll(validate(c));
    }
    if (!errors.isEmpty()) {
      throw new InputException(String.join("\n", errors), null,
          "see docs/gates.md for the settings of each gate kind", null);
    }
    List<Gate> gates = new ArrayList<>();
    for (GateConfig c : configs) {
      GateKind kind = GateCatalogue.kind(c.kind());
      Map<String, Object> settings = substitute(c.settings(), "{env}", environment);
      GateKind.Building building = new GateKind.Building(env, clock, c.location());
      Gate gate = usesService(settings)
          ? new PerServiceGate(perServiceName(c.kind(), settings),
              service -> build(kind, substitute(settings, "{service}", service), building))
          : build(kind, settings, building);
      gates.add("pass".equals(settings.get("onError")) ? new PassOnError(gate) : gate);
    }
    return gates;
  }

  private static Gate build(GateKind kind, Map<String, Object> settings, GateKind.Building building) {
    // placeholders may have made a URL or a name only now: check again what the entry became
    List<GateCatalogue.Problem> problems = GateCatalogue.problems(kind.name(), settings);
    if (!problems.isEmpty()) {
      throw new InputException(building.where() + ": " + problems.get(0).message(), building.where());
    }
    return kind.build(new GateSettings(settings, GateCatalogue.settingsOf(kind)), building);
  }

  private static String perServiceName(String kind, Map<String, Object> settings) {
    for (String key : List.of("app", "name", "url", "query", "errorRatio")) {
      if (settings.get(key) instanceof String t) {
        String ns = settings.get("namespace") instanceof String n && !key.equals("url") ? n + "/" : "";
        return kind + " " + ns + t;
      }
    }
    return kind + " {service}";
  }

  private static boolean usesService(Map<String, Object> settings) {
    return settings.values().stream().anyMatch(v -> v instanceof String t && t.contains("{service}")
        || v instanceof List<?> l && l.stream().anyMatch(i -> i instanceof String t && t.contains("{service}")));
  }

  private static Map<String, Object> substitute(Map<String, Object> settings, String placeholder, String value) {
    Map<String, Object> out = new TreeMap<>();
    settings.forEach((k, v) -> out.put(k, v instanceof String t ? t.replace(placeholder, value)
        : v instanceof List<?> l ? l.stream().map(i -> i instanceof String t ? t.replace(placeholder, value) : i).toList() : v));
    return out;
  }

  /**
   * The Rollouts the {@code rollout} gates of an environment name, {@code {service}} expanded to
   * each of {@code services}: what a rollback aborts. An entry that uses {@code {service}} when no
   * service is named is returned with its problem.
   */
  public static List<RolloutRef> rollouts(List<GateConfig> configs, String environment, List<String> services) {
    List<RolloutRef> refs = new ArrayList<>();
    for (GateConfig c : configs) {
      if (!c.kind().equals(RolloutGate.KIND.name()) || !validate(c).isEmpty()) {
        continue;
      }
      Map<String, Object> settings = substitute(c.settings(), "{env}", environment);
      List<Map<String, Object>> targets = new ArrayList<>();
      if (usesService(settings)) {
        if (services.isEmpty()) {
          refs.add(new RolloutRef(null, null, null, null, c.location()
              + ": its settings use {service} and no service was named"));
        }
        services.forEach(service -> targets.add(substitute(settings, "{service}", service)));
      } else {
        targets.add(settings);
      }
      for (Map<String, Object> t : targets) {
        GateSettings s = new GateSettings(t, GateCatalogue.settingsOf(RolloutGate.KIND));
        refs.add(new RolloutRef(s.text("namespace"), s.text("name"), s.text("kubeconfig"), s.text("context"), null));
      }
    }
    return refs;
  }

  /**
   * A Rollout named by a {@code rollout} gate, and the cluster it is in.
   *
   * @param problem why it cannot be named (then the other fields are null), else null
   */
  public record RolloutRef(String namespace, String name, String kubeconfig, String context, String problem) {

    /**
     * A client of the Rollout's cluster, through its kubeconfig as the gate reads it; the caller closes it.
     *
     * @throws ExternalException when the kubeconfig cannot be read
     */
    public KubernetesClient connect(Map<String, String> env) {
      Cluster cluster = Cluster.fromKubeconfig(kubeconfig, context, env);
      try {
        return cluster.client();
      } catch (GateAnswer e) {
        throw new ExternalException(e.getMessage(), "set 'kubeconfig' on the gate or KUBECONFIG", null);
      }
    }
  }

  /** A gate configured with {@code onError: pass}. */
  private record PassOnError(Gate gate) implements Gate {
    @Override
    public String name() {
      return gate.name();
    }

    @Override
    public GateResult check(GateContext context) {
      return gate.check(context);
    }

    @Override
    public boolean passOnError() {
      return true;
    }

    @Override
    public void close() {
      gate.close();
    }
  }
}
