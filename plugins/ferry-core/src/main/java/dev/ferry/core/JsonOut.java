package dev.ferry.core;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Values written as JSON with Jackson's streaming generator, in the bytes Jackson's data binding
 * writes for them (pretty printed, nulls kept, instants in ISO-8601): the CLI's {@code --json}
 * results and the state index's files. The data binding's {@code ObjectMapper} costs a command
 * tens of milliseconds before its first byte (its class initialisation loads the locale data for
 * its default date format, then it introspects each type); this writer needs none of it for the
 * values results are made of: maps, lists, records (and {@code @JsonValue}), strings, numbers,
 * booleans, enums and instants.
 *
 * <p>A value that holds anything else, or a record that the data binding would read differently
 * (a getter besides its components, {@code @JsonInclude} other than {@code NON_NULL}, a renamed
 * component), is not written here: {@link #write} answers empty and the caller uses the data
 * binding, so the shape of a value never depends on which writer wrote it.
 *
 * <pre>{@code JsonOut.write(Map.of("environment", "dev")).orElseGet(() -> mapper.writeValueAsString(...));}</pre>
 */
public final class JsonOut {

  private static final JsonFactory FACTORY = new JsonFactory();

  private JsonOut() {
  }

  /** Thrown inside a write that met a value it does not write as the data binding would. */
  private static final class NotSimple extends RuntimeException {
    NotSimple() {
      super(null, null, false, false);
    }
  }

  /** The pretty printed JSON of {@code value}, or empty when it holds a value this writer leaves to the data binding. */
  public static Optional<String> write(Object value) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.useDefaultPrettyPrinter();
      value(g, value);
    } catch (NotSimple e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does no I/O
    }
    return Optional.of(out.toString());
  }

  private static void value(JsonGenerator g, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else if (v instanceof Float f) {
      g.writeNumber(f);
    } else if (v instanceof BigDecimal d) {
      g.writeNumber(d);
    } else if (v instanceof BigInteger i) {
      g.writeNumber(i);
    } else if (v instanceof Enum<?> e) {
      g.writeString(e.name());
    } else if (v instanceof Instant i) {
      g.writeString(i.toString()); // what the data binding's ISO_INSTANT writes
    } else if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(key(e.getKey()));
        value(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof Collection<?> c) {
      g.writeStartArray();
      for (Object item : c) {
        value(g, item);
      }
      g.writeEndArray();
    } else if (v instanceof Object[] a) {
      value(g, Arrays.asList(a));
    } else if (v instanceof Record r) {
      SHAPES.get(r.getClass()).write(g, r);
    } else {
      throw new NotSimple();
    }
  }

  private static String key(Object key) {
    if (key instanceof String s) {
      return s;
    }
    if (key instanceof Enum<?> e) {
      return e.name();
    }
    throw new NotSimple();
  }

  /** How a record type is written, worked out once per type. */
  private record Shape(boolean simple, Method asValue, List<Component> components, boolean skipNulls) {
    static final Shape NOT_SIMPLE = new Shape(false, null, List.of(), false);

    void write(JsonGenerator g, Record r) throws IOException {
      if (!simple) {
        throw new NotSimple();
      }
      if (asValue != null) {
        value(g, invoke(asValue, r)); // e.g. ImageRef, written as its reference
        return;
      }
      g.writeStartObject();
      for (Component c : components) {
        Object value = invoke(c.accessor(), r);
        if (value != null || !skipNulls) {
          g.writeFieldName(c.name());
          value(g, value);
        }
      }
      g.writeEndObject();
    }
  }

  private record Component(String name, Method accessor) {
  }

  private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
    @Override
    protected Shape computeValue(Class<?> type) {
      return shapeOf(type);
    }
  };

  private static Shape shapeOf(Class<?> type) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.isAnnotationPresent(JsonValue.class)) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
          return Shape.NOT_SIMPLE;
        }
        m.setAccessible(true);
        return new Shape(true, m, List.of(), false);
      }
    }
    JsonInclude include = type.getAnnotation(JsonInclude.class);
    boolean skipNulls = include != null && include.value() == JsonInclude.Include.NON_NULL;
    if (include != null && !skipNulls && include.value() != JsonInclude.Include.ALWAYS
        && include.value() != JsonInclude.Include.USE_DEFAULTS) {
      return Shape.NOT_SIMPLE;
    }
    if (hasGetters(type)) {
      return Shape.NOT_SIMPLE;
    }
    List<Component> components = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      List<AnnotatedElement> places = new ArrayList<>(List.of(c, c.getAccessor()));
      field(type, c).ifPresent(places::add);
      if (places.stream().anyMatch(p -> p.isAnnotationPresent(JsonIgnore.class))) {
        continue;
      }
      if (places.stream().flatMap(p -> Arrays.stream(p.getAnnotations())).map(Annotation::annotationType)
          .anyMatch(a -> a.getName().startsWith("com.fasterxml.jackson."))) {
        return Shape.NOT_SIMPLE; // @JsonProperty, @JsonInclude on a component...: the data binding's call
      }
      c.getAccessor().setAccessible(true);
      components.add(new Component(c.getName(), c.getAccessor()));
    }
    return new Shape(true, null, List.copyOf(components), skipNulls);
  }

  private static Object invoke(Method method, Object target) {
    try {
      return method.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new NotSimple();
    }
  }

  /** A public {@code getX()} or {@code isX()} besides the components, which the data binding would also write. */
  private static boolean hasGetters(Class<?> type) {
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0 || m.getDeclaringClass() == Object.class
          || m.isAnnotationPresent(JsonIgnore.class)) {
        continue;
      }
      String n = m.getName();
      if ((n.startsWith("get") && n.length() > 3 && Character.isUpperCase(n.charAt(3)))
          || (n.startsWith("is") && n.length() > 2 && Character.isUpperCase(n.charAt(2)))) {
        return true;
      }
    }
    return false;
  }

  private static Optional<Field> field(Class<?> type, RecordComponent c) {
    try {
      return Optional.of(type.getDeclaredField(c.getName()));
    } catch (NoSuchFieldException e) {
      return Optional.empty();
    }
  }
}
