package dev.ferry.core.gate;

import dev.ferry.core.Durations;
import java.util.List;
import java.util.Map;

/**
 * One setting of a gate kind: its name, type, default and a one-line description. The catalogue
 * checks written values against it when {@code ferry.yaml} loads, the JSON schema and docs/gates.md
 * are tested against it, and {@link GateSettings} reads values with its default.
 *
 * <pre>{@code GateSetting.optional("refresh", GateSetting.Type.BOOLEAN, true, "ask Argo CD to compare with git now")}</pre>
 *
 * @param name as written in {@code ferry.yaml}
 * @param type what values it takes
 * @param defaultValue the value when not written (typed as the getters return it), or null
 * @param required whether it must be written
 * @param choices the allowed values of a {@link Type#CHOICE}, else empty
 * @param description for the docs
 */
public record GateSetting(String name, Type type, Object defaultValue, boolean required, List<String> choices,
    String description) {

  /** What values a setting takes. */
  public enum Type {
    STRING("string"), URL("string"), BOOLEAN("boolean"), DURATION("string"), NUMBER("number"), INTEGER("integer"),
    SCALAR(null), STRINGS("array"), CHOICE("string"), WINDOWS("array");

    /** The JSON schema type, or null when several are allowed. */
    final String json;

    Type(String json) {
      this.json = json;
    }
  }

  public GateSetting {
    choices = List.copyOf(choices);
  }

  static GateSetting required(String name, Type type, String description) {
    return new GateSetting(name, type, null, true, List.of(), description);
  }

  static GateSetting optional(String name, Type type, Object defaultValue, String description) {
    return new GateSetting(name, type, defaultValue, false, List.of(), description);
  }

  static GateSetting choice(String name, String defaultValue, List<String> choices, String description) {
    return new GateSetting(name, Type.CHOICE, defaultValue, false, choices, description);
  }

  /** Why {@code value} does not fit, or null when it does. */
  String problem(Object value) {
    return switch (type) {
      case STRING -> value instanceof String ? null : "must be a string";
      case URL -> urlProblem(value);
      case BOOLEAN -> value instanceof Boolean ? null : "must be true or false";
      case NUMBER -> value instanceof Number ? null : "must be a number";
      case INTEGER -> value instanceof Integer || value instanceof Long ? null : "must be a whole number";
      case SCALAR -> value instanceof String || value instanceof Number || value instanceof Boolean ? null
          : "must be a string, number or boolean";
      case DURATION -> value instanceof String t && Durations.parse(t).isPresent() ? null
          : "must be a duration like 30s, 5m or 1h30m";
      case STRINGS -> value instanceof List<?> l && !l.isEmpty() && l.stream().allMatch(i -> i instanceof String s && !s.isBlank())
          ? null : "must be a list of names, like [a, b]";
      case CHOICE -> value instanceof String t && choices.contains(t) ? null
          : "must be one of " + String.join(", ", choices) + ", not '" + value + "'";
      case WINDOWS -> windowsProblem(value);
    };
  }

  private static String urlProblem(Object value) {
    if (!(value instanceof String u)) {
      return "must be a string";
    }
    if (u.contains("{")) {
      return null; // checked once the placeholders are replaced, when the gate is built
    }
    try {
      java.net.URI uri = new java.net.URI(u);
      return uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null
          ? "must be an http or https URL, not '" + u + "'" : null;
    } catch (java.net.URISyntaxException e) {
      return "is not a valid URL: " + e.getReason();
    }
  }

  private static String windowsProblem(Object value) {
    if (!(value instanceof List<?> list) || list.isEmpty()) {
      return "must be a list of {long, short, burnRate}";
    }
    for (Object item : list) {
      if (!(item instanceof Map<?, ?> m) || m.size() != 3
          || !(m.get("long") instanceof String l) || Durations.parse(l).isEmpty()
          || !(m.get("short") instanceof String sh) || Durations.parse(sh).isEmpty()
          || !(m.get("burnRate") instanceof Number)) {
        return "entries must be {long: 1h, short: 5m, burnRate: 14.4}";
      }
    }
    return null;
  }
}
