package dev.ferry.core.gate;

import dev.ferry.core.Durations;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.InputException;
import dev.ferry.core.config.GateConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The catalogue of gate kinds: validates the {@code gates:} entries of {@code ferry.yaml} and
 * builds the gates of an environment. Settings may contain {@code {env}} (replaced by the
 * environment) and {@code {service}} (the gate is then checked once per promoted service). Secrets
 * are read from the environment variables that {@code tokenEnv} names.
 *
 * <pre>{@code
 * List<String> errors = Gates.validate(config);            // at config load time
 * List<Gate> gates = Gates.fromConfig(env.gates(), "staging", System.getenv());
 * }</pre>
 */
public final class Gates {

  /** Known kinds and their settings, in the order the documentation lists them. */
  static final Map<String, Map<String, Type>> KINDS = new LinkedHashMap<>();

  enum Type { STRING, BOOLEAN, DURATION, NUMBER, INTEGER, WINDOWS, SCALAR }

  static {
    KINDS.put("argocd", settings("server", Type.STRING, "app", Type.STRING, "tokenEnv", Type.STRING,
        "insecure", Type.BOOLEAN, "refresh", Type.BOOLEAN, "sync", Type.BOOLEAN,
        "kubeconfig", Type.STRING, "context", Type.STRING, "namespace", Type.STRING));
    KINDS.put("rollout", settings("kubeconfig", Type.STRING, "context", Type.STRING, "namespace", Type.STRING,
        "name", Type.STRING));
    KINDS.put("deployment", settings("kubeconfig", Type.STRING, "context", Type.STRING, "namespace", Type.STRING,
        "name", Type.STRING, "container", Type.STRING));
    KINDS.put("prometheus", settings("url", Type.STRING, "query", Type.STRING, "below", Type.NUMBER,
        "above", Type.NUMBER, "for", Type.DURATION, "slo", Type.NUMBER, "errorRatio", Type.STRING,
        "windows", Type.WINDOWS, "noData", Type.DURATION));
    KINDS.put("http", settings("url", Type.STRING, "expectStatus", Type.INTEGER, "bodyContains", Type.STRING,
        "jsonPath", Type.STRING, "equals", Type.SCALAR, "successes", Type.INTEGER, "insecure", Type.BOOLEAN));
  }

  private static final Duration DEFAULT_NO_DATA = Duration.ofMinutes(2);

  private Gates() {
  }

  private static Map<String, Type> settings(Object... pairs) {
    Map<String, Type> map = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put((String) pairs[i], (Type) pairs[i + 1]);
    }
    map.put("onError", Type.STRING);
    return map;
  }

  /**
   * Every problem of one {@code gates:} entry, each as {@code file:line:col: gate KIND: ...}; empty
   * when it is valid. Unknown settings are listed with the known ones.
   */
  public static List<String> validate(GateConfig config) {
    List<String> errors = new ArrayList<>();
    String prefix = config.location() + ": gate " + config.kind() + ": ";
    Map<String, Type> known = KINDS.get(config.kind());
    if (known == null) {
      errors.add(config.location() + ": unknown gate kind '" + config.kind() + "' (known: "
          + String.join(", ", KINDS.keySet()) + ")");
      return errors;
    }
    Map<String, Object> s = config.settings();
    for (Map.Entry<String, Object> e : s.entrySet()) {
      Type type = known.get(e.getKey());
      if (type == null) {
        errors.add(prefix + "unknown setting '" + e.getKey() + "' (known: " + String.join(", ", known.keySet()) + ")");
      } else {
        String problem = typeProblem(type, e.getValue());
        if (problem != null) {
          errors.add(prefix + "'" + e.getKey() + "' " + problem);
        }
      }
    }
    if (s.containsKey("onError") && !List.of("pass", "fail").contains(String.valueOf(s.get("onError")))) {
      errors.add(prefix + "'onError' must be pass or fail, not '" + s.get("onError") + "'");
    }
    switch (config.kind()) {
      case "argocd" -> {
        require(s, errors, prefix, "app");
        if (s.containsKey("server")) {
          require(s, errors, prefix, "tokenEnv");
          forbid(s, errors, prefix, "with 'server' (REST API)", "kubeconfig", "context", "namespace");
        } else {
          forbid(s, errors, prefix, "without 'server' (reading the Application resource)", "tokenEnv", "insecure", "sync");
        }
      }
      case "rollout" -> require(s, errors, prefix, "name");
      case "deployment" -> require(s, errors, prefix, "name");
      case "prometheus" -> {
        require(s, errors, prefix, "url");
        if (s.containsKey("slo") || s.containsKey("errorRatio") || s.containsKey("windows")) {
          require(s, errors, prefix, "slo");
          require(s, errors, prefix, "errorRatio");
          forbid(s, errors, prefix, "in a burn-rate gate (slo)", "query", "below", "above");
          if (s.get("slo") instanceof Number n && (n.doubleValue() <= 0 || n.doubleValue() >= 1)) {
            errors.add(prefix + "'slo' must be between 0 and 1 (e.g. 0.999), not " + n);
          }
          if (s.get("errorRatio") instanceof String q && !q.contains("{window}")) {
            errors.add(prefix + "'errorRatio' must contain {window} where the range goes, e.g. rate(x[{window}])");
          }
        } else {
          require(s, errors, prefix, "query");
          if (s.containsKey("below") == s.containsKey("above")) {
            errors.add(prefix + "set exactly one of 'below' or 'above'");
          }
        }
      }
      case "http" -> {
        require(s, errors, prefix, "url");
        if (s.containsKey("equals") && !s.containsKey("jsonPath")) {
          errors.add(prefix + "'equals' needs 'jsonPath'");
        }
        if (s.get("jsonPath") instanceof String p && !HttpGate.validPath(p)) {
          errors.add(prefix + "'jsonPath' must be a simple path like $.status or items[0].name, not '" + p + "'");
        }
        if (s.get("successes") instanceof Number n && n.intValue() < 1) {
          errors.add(prefix + "'successes' must be at least 1");
        }
      }
      default -> throw new IllegalStateException(config.kind());
    }
    for (String key : List.of("url", "server")) {
      if (s.get(key) instanceof String u && !u.contains("{")) {
        try {
          URI uri = new URI(u);
          if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            errors.add(prefix + "'" + key + "' must be an http or https URL, not '" + u + "'");
          }
        } catch (java.net.URISyntaxException e) {
          errors.add(prefix + "'" + key + "' is not a valid URL: " + e.getReason());
        }
      }
    }
    return errors;
  }

  private static void require(Map<String, Object> s, List<String> errors, String prefix, String key) {
    if (!s.containsKey(key) || s.get(key) == null || String.valueOf(s.get(key)).isBlank()) {
      errors.add(prefix + "missing setting '" + key + "'");
    }
  }

  private static void forbid(Map<String, Object> s, List<String> errors, String prefix, String mode, String... keys) {
    for (String key : keys) {
      if (s.containsKey(key)) {
        errors.add(prefix + "'" + key + "' cannot be used " + mode);
      }
    }
  }

  private static String typeProblem(Type type, Object value) {
    return switch (type) {
      case STRING -> value instanceof String ? null : "must be a string";
      case BOOLEAN -> value instanceof Boolean ? null : "must be true or false";
      case NUMBER -> value instanceof Number ? null : "must be a number";
      case INTEGER -> value instanceof Integer || value instanceof Long ? null : "must be a whole number";
      case SCALAR -> value instanceof String || value instanceof Number || value instanceof Boolean ? null : "must be a string, number or boolean";
      case DURATION -> value instanceof String t && Durations.parse(t).isPresent() ? null
          : "must be a duration like 30s, 5m or 1h30m";
      case WINDOWS -> windowsProblem(value);
    };
  }

  private static String windowsProblem(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      return "must be a list of {long, short, burnRate}";
    }
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m) || !new LinkedHashSet<>(List.of("long", "short", "burnRate")).equals(new LinkedHashSet<>(m.keySet()))
          || !(m.get("long") instanceof String l) || Durations.parse(l).isEmpty()
          || !(m.get("short") instanceof String sh) || Durations.parse(sh).isEmpty()
          || !(m.get("burnRate") instanceof Number)) {
        return "entries must be {long: 1h, short: 5m, burnRate: 14.4}";
      }
    }
    return null;
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
      Map<String, Object> settings = substitute(c.settings(), "{env}", environment);
      Gate gate = usesService(settings)
          ? new PerServiceGate(perServiceName(c.kind(), settings), service -> build(c, substitute(settings, "{service}", service), env, clock))
          : build(c, settings, env, clock);
      gates.add("pass".equals(settings.get("onError")) ? new PassOnError(gate) : gate);
    }
    return gates;
  }

  private static Gate build(GateConfig c, Map<String, Object> s, Map<String, String> env, Clock clock) {
    return switch (c.kind()) {
      case "argocd" -> {
        String app = str(s, "app");
        if (s.containsKey("server")) {
          String tokenEnv = str(s, "tokenEnv");
          String token = env.get(tokenEnv);
          if (token == null || token.isBlank()) {
            throw new InputException("gate argocd " + app + ": environment variable " + tokenEnv
                + " is not set; it must hold an Argo CD API token", c.location());
          }
          yield ArgoCdGate.rest(URI.create(str(s, "server")), app, token, bool(s, "insecure", false),
              bool(s, "refresh", true), bool(s, "sync", false));
        }
        yield ArgoCdGate.resource(cluster(s, env), strOr(s, "namespace", "argocd"), app, bool(s, "refresh", true));
      }
      case "rollout" -> new RolloutGate(cluster(s, env), strOr(s, "namespace", "default"), str(s, "name"));
      case "deployment" -> new DeploymentGate(cluster(s, env), strOr(s, "namespace", "default"), str(s, "name"),
          strOr(s, "container", null));
      case "prometheus" -> {
        URI url = URI.create(str(s, "url"));
        Duration holdFor = duration(s, "for", Duration.ZERO);
        Duration noData = duration(s, "noData", DEFAULT_NO_DATA);
        if (s.containsKey("slo")) {
          yield PrometheusGate.burnRate(url, ((Number) s.get("slo")).doubleValue(), str(s, "errorRatio"),
              windows(s.get("windows")), holdFor, noData, clock);
        }
        PrometheusGate.Bound bound = s.containsKey("below")
            ? PrometheusGate.Bound.below(((Number) s.get("below")).doubleValue())
            : PrometheusGate.Bound.above(((Number) s.get("above")).doubleValue());
        yield PrometheusGate.bound(url, str(s, "query"), bound, holdFor, noData, clock);
      }
      case "http" -> new HttpGate(URI.create(str(s, "url")),
          s.get("expectStatus") instanceof Number n ? n.intValue() : 200, strOr(s, "bodyContains", null),
          strOr(s, "jsonPath", null), s.containsKey("equals") ? String.valueOf(s.get("equals")) : null,
          s.get("successes") instanceof Number n ? n.intValue() : 3, bool(s, "insecure", false));
      default -> throw new IllegalStateException(c.kind());
    };
  }

  private static Cluster cluster(Map<String, Object> s, Map<String, String> env) {
    return Cluster.fromKubeconfig(strOr(s, "kubeconfig", null), strOr(s, "context", null), env);
  }

  private static List<PrometheusGate.Window> windows(Object value) {
    if (value == null) {
      return PrometheusGate.Window.DEFAULTS;
    }
    List<PrometheusGate.Window> windows = new ArrayList<>();
    for (Object item : (List<?>) value) {
      Map<?, ?> m = (Map<?, ?>) item;
      windows.add(new PrometheusGate.Window(Durations.parse((String) m.get("long")).orElseThrow(),
          Durations.parse((String) m.get("short")).orElseThrow(), ((Number) m.get("burnRate")).doubleValue()));
    }
    return windows;
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
    return settings.values().stream().anyMatch(v -> v instanceof String t && t.contains("{service}"));
  }

  private static Map<String, Object> substitute(Map<String, Object> settings, String placeholder, String value) {
    Map<String, Object> out = new TreeMap<>();
    settings.forEach((k, v) -> out.put(k, v instanceof String t ? t.replace(placeholder, value) : v));
    return out;
  }

  private static String str(Map<String, Object> s, String key) {
    return (String) s.get(key);
  }

  private static String strOr(Map<String, Object> s, String key, String fallback) {
    return s.get(key) instanceof String t ? t : fallback;
  }

  private static boolean bool(Map<String, Object> s, String key, boolean fallback) {
    return s.get(key) instanceof Boolean b ? b : fallback;
  }

  private static Duration duration(Map<String, Object> s, String key, Duration fallback) {
    return s.get(key) instanceof String t ? Durations.parse(t).orElse(fallback) : fallback;
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

  /**
   * Aborts the Argo Rollouts Rollout of every {@code rollout} gate of an environment, after a
   * rollback, see {@link RolloutAbort}, expanding {@code {service}} to each of {@code services}. A
   * failure to abort is returned (and reported as a warning), not thrown: the git revert is what
   * rolls back; the abort only makes it faster.
   */
  public static RolloutAborts abortRollouts(List<GateConfig> configs, String environment, List<String> services,
      Map<String, String> env, FerryListener listener) {
    FerryListener events = listener == null ? FerryListener.NONE : listener;
    List<String> aborted = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    for (GateConfig c : configs) {
      if (!c.kind().equals("rollout") || !validate(c).isEmpty()) {
        continue;
      }
      Map<String, Object> settings = substitute(c.settings(), "{env}", environment);
      List<Map<String, Object>> targets = new ArrayList<>();
      if (usesService(settings)) {
        if (services.isEmpty()) {
          failed.add(c.location() + ": its settings use {service} and no service was named");
          events.on(FerryEvent.warn("rollout", "not aborting the rollout gate at " + c.location()
              + ": its settings use {service} and no service was named"));
        }
        services.forEach(service -> targets.add(substitute(settings, "{service}", service)));
      } else {
        targets.add(settings);
      }
      for (Map<String, Object> s : targets) {
        String namespace = strOr(s, "namespace", "default");
        String name = str(s, "name");
        try (Cluster cluster = cluster(s, env)) {
          RolloutAbort.abort(cluster.client(), namespace, name);
          aborted.add(namespace + "/" + name);
          events.on(FerryEvent.info("rollout", "aborted Rollout " + namespace + "/" + name));
        } catch (ExternalException | GateAnswer e) {
          String why = e instanceof GateAnswer ? "cannot abort Rollout " + namespace + "/" + name + ": " + e.getMessage()
              : e.getMessage();
          failed.add(why);
          events.on(FerryEvent.warn("rollout", why));
        }
      }
    }
    return new RolloutAborts(aborted, failed);
  }

  /**
   * What {@link #abortRollouts} did.
   *
   * @param aborted the Rollouts aborted, as {@code namespace/name}
   * @param failed why each Rollout that should have been aborted was not
   */
  public record RolloutAborts(List<String> aborted, List<String> failed) {
    public RolloutAborts {
      aborted = List.copyOf(aborted);
      failed = List.copyOf(failed);
    }
  }

  /** Names of the settings of a kind, for documentation and completion. */
  static Set<String> settingsOf(String kind) {
    return KINDS.get(kind).keySet();
  }
}
