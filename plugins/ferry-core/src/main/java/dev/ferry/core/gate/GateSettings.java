package dev.ferry.core.gate;

import dev.ferry.core.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The settings of one gate entry, read with the defaults its {@link GateKind} declares.
 *
 * <pre>{@code boolean refresh = settings.bool("refresh");}</pre>
 */
final class GateSettings {

  private final Map<String, Object> values;
  private final Map<String, GateSetting> declared;

  GateSettings(Map<String, Object> values, List<GateSetting> declared) {
    this.values = values;
    this.declared = new java.util.LinkedHashMap<>();
    declared.forEach(s -> this.declared.put(s.name(), s));
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  Object raw(String name) {
    return values.containsKey(name) ? values.get(name) : declaredOf(name).defaultValue();
  }

  String text(String name) {
    return raw(name) instanceof String t ? t : null;
  }

  boolean bool(String name) {
    return raw(name) instanceof Boolean b && b;
  }

  // the getters tolerate a value of the wrong type (the catalogue reports it): the default is read instead

  Duration duration(String name) {
    Object v = raw(name);
    if (v instanceof String t && Durations.parse(t).isPresent()) {
      return Durations.parse(t).get();
    }
    return declaredOf(name).defaultValue() instanceof Duration d ? d : null;
  }

  Double number(String name) {
    return raw(name) instanceof Number n ? n.doubleValue() : null;
  }

  int integer(String name) {
    return raw(name) instanceof Number n ? n.intValue()
        : declaredOf(name).defaultValue() instanceof Number d ? d.intValue() : 0;
  }

  List<String> texts(String name) {
    return raw(name) instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }

  private GateSetting declaredOf(String name) {
    GateSetting s = declared.get(name);
    if (s == null) {
      throw new IllegalArgumentException("no setting " + name); // a programming error, not input
    }
    return s;
  }
}
