package dev.ferry.core.gate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every gate kind, listed once, and the check of one {@code gates:} entry against its kind. The
 * configuration loader calls {@link #problems} for each entry, so that {@code plan}, {@code promote}
 * and {@code verify} refuse a misspelled setting alike, with its line.
 *
 * <pre>{@code
 * for (GateCatalogue.Problem p : GateCatalogue.problems("argocd", Map.of("srver", "https://argocd"))) ...
 * }</pre>
 */
public final class GateCatalogue {

  /** In the order docs/gates.md describes them. */
  static final List<GateKind> KINDS = List.of(ArgoCdGate.KIND, RolloutGate.KIND, DeploymentGate.KIND,
      PrometheusGate.KIND, HttpGate.KIND);

  /** Settings every kind takes. */
  static final List<GateSetting> COMMON = List.of(
      GateSetting.choice("onError", "fail", List.of("pass", "fail"),
          "with pass, a gate whose server stays unreachable past the error budget counts as passed"));

  private GateCatalogue() {
  }

  /**
   * One problem of a gate entry.
   *
   * @param setting the setting it concerns (its line is reported), or null for the whole entry
   * @param message e.g. {@code gate argocd: unknown setting 'srver' (known: server, app, ...)}
   */
  public record Problem(String setting, String message) {
  }

  /** The names of the kinds, in catalogue order. */
  public static List<String> kinds() {
    return KINDS.stream().map(GateKind::name).toList();
  }

  static GateKind kind(String name) {
    return KINDS.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
  }

  /** The settings of a kind, common ones last. */
  static List<GateSetting> settingsOf(GateKind kind) {
    List<GateSetting> all = new ArrayList<>(kind.settings());
    all.addAll(COMMON);
    return all;
  }

  /** Every problem of one entry; empty when it is valid. An unknown kind is one problem. */
  public static List<Problem> problems(String kindName, Map<String, Object> values) {
    List<Problem> problems = new ArrayList<>();
    GateKind kind = kind(kindName);
    if (kind == null) {
      problems.add(new Problem(null, "unknown gate kind '" + kindName + "' (known: " + String.join(", ", kinds()) + ")"));
      return problems;
    }
    String prefix = "gate " + kindName + ": ";
    Map<String, GateSetting> declared = new LinkedHashMap<>();
    settingsOf(kind).forEach(s -> declared.put(s.name(), s));
    for (Map.Entry<String, Object> e : values.entrySet()) {
      GateSetting setting = declared.get(e.getKey());
      if (setting == null) {
        problems.add(new Problem(e.getKey(), prefix + "unknown setting '" + e.getKey() + "' (known: "
            + String.join(", ", declared.keySet()) + ")"));
      } else {
        String problem = setting.problem(e.getValue());
        if (problem != null) {
          problems.add(new Problem(e.getKey(), prefix + "'" + e.getKey() + "' " + problem));
          }
      }
    }
    GateSettings settings = new GateSettings(values, settingsOf(kind));
    for (GateSetting s : kind.settings()) {
      if (s.required() && !present(values.get(s.name()))) {
        problems.add(new Problem(null, prefix + "missing setting '" + s.name() + "'"));
      }
    }
    kind.check(settings, (setting, message) -> problems.add(new Problem(setting, prefix + message)));
    return problems;
  }

  /** Whether a value is written and not blank. */
  static boolean present(Object value) {
    return value != null && !String.valueOf(value).isBlank();
  }

  /** Refuses each of {@code keys} that is written, because of {@code mode}. */
  static void forbid(GateSettings s, GateKind.Problems problems, String mode, String... keys) {
    for (String key : keys) {
      if (s.has(key)) {
        problems.add(key, "'" + key + "' cannot be used " + mode);
      }
    }
  }

  /**
   * The JSON schema of the {@code gate} definition's properties: for each kind an object with its
   * settings and their types, nothing else. docs/ferry.schema.json holds the same (a test says so).
   */
  public static Map<String, Object> jsonSchema() {
    Map<String, Object> kinds = new LinkedHashMap<>();
    for (GateKind kind : KINDS) {
      Map<String, Object> properties = new LinkedHashMap<>();
      for (GateSetting s : settingsOf(kind)) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (s.type().json != null) {
          p.put("type", s.type().json);
        }
        if (s.type() == GateSetting.Type.CHOICE) {
          p.put("enum", s.choices());
        }
        if (s.type() == GateSetting.Type.STRINGS) {
          p.put("items", Map.of("type", "string"));
        }
        p.put("description", s.description());
        properties.put(s.name(), p);
      }
      Map<String, Object> object = new LinkedHashMap<>();
      object.put("type", "object");
      object.put("additionalProperties", false);
      List<String> required = kind.settings().stream().filter(GateSetting::required).map(GateSetting::name).toList();
      if (!required.isEmpty()) {
        object.put("required", required);
      }
      object.put("properties", properties);
      kinds.put(kind.name(), object);
    }
    return kinds;
  }
}
