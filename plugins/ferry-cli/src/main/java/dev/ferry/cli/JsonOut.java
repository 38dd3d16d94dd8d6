package dev.ferry.cli;

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
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A command's JSON result written with Jackson's streaming generator, in the bytes Jackson's data
 * binding writes for it ({@code Console}'s mapper: pretty printed, nulls kept, instants in
 * ISO-8601). The data binding's {@code ObjectMapper} costs a command tens of milliseconds before
 * its first byte (its class initialisation loads the locale data for its default date format);
 * this writer needs none of it for the values results are made of: maps, lists, records (and
 * {@code @JsonValue}), strings, numbers, booleans, enums and instants.
 *
 * <p>A value that holds anything else, or a record that the data binding would read differently
 * (a getter besides its components, {@code @JsonInclude} other than {@code NON_NULL}, a renamed
 * component), is not written here: {@link #write} answers empty and the caller uses the data
 * binding, so the shape of a result never depends on which writer wrote it.
 */
final class JsonOut {

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
  static Optional<String> write(Object value) {
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
      g.writeStartArray();
      for (Object item : a) {
        value(g, item);
      }
      g.writeEndArray();
    } else if (v instanceof Record r) {
      record(g, r);
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

  private static void record(JsonGenerator g, Record r) throws IOException {
    Class<?> type = r.getClass();
    Optional<Method> asValue = jsonValue(type);
    if (asValue.isPresent()) {
      value(g, invoke(asValue.get(), r)); // e.g. ImageRef, written as its reference
      return;
    }
    boolean skipNulls = include(type);
    if (hasGetters(type)) {
      throw new NotSimple();
    }
    g.writeStartObject();
    for (RecordComponent c : type.getRecordComponents()) {
      Method accessor = c.getAccessor();
      if (annotated(type, c, JsonIgnore.class)) {
        continue;
      }
      if (annotatedWithJackson(type, c)) {
        throw new NotSimple(); // @JsonProperty, @JsonInclude on a component...: the data binding's call
      }
      Object value = invoke(accessor, r);
      if (value == null && skipNulls) {
        continue;
      }
      g.writeFieldName(c.getName());
      value(g, value);
    }
    g.writeEndObject();
  }

  private static Object invoke(Method method, Object target) {
    try {
      method.setAccessible(true);
      return method.invoke(target);
    } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
      throw new NotSimple();
    }
  }

  /** The method whose value stands for the whole record ({@code @JsonValue}). */
  private static Optional<Method> jsonValue(Class<?> type) {
    for (Method m : type.getDeclaredMethods()) {
      if (m.isAnnotationPresent(JsonValue.class)) {
        if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
          throw new NotSimple();
        }
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** Whether the record's nulls are left out ({@code @JsonInclude(NON_NULL)}); other inclusions are not written here. */
  private static boolean include(Class<?> type) {
    JsonInclude include = type.getAnnotation(JsonInclude.class);
    if (include == null || include.value() == JsonInclude.Include.ALWAYS
        || include.value() == JsonInclude.Include.USE_DEFAULTS) {
      return false;
    }
    if (include.value() == JsonInclude.Include.NON_NULL) {
      return true;
    }
    throw new NotSimple();
  }

  /** A public {@code getX()} or {@code isX()} besides the components, which the data binding would also write. */
  private static boolean hasGetters(Class<?> type) {
    for (Method m : type.getMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 0 || m.getDeclaringClass() == Object.class
          || m.isAnnotationPresent(JsonIgnore.class)) {
        continue;
      }
      String n = m.getName();
      boolean getter = (n.startsWith("get") && n.length() > 3 && Character.isUpperCase(n.charAt(3)) && !n.equals("getClass"))
          || (n.startsWith("is") && n.length() > 2 && Character.isUpperCase(n.charAt(2)));
      if (getter) {
        return true;
      }
    }
    return false;
  }

  /** An annotation on the component, as Java spreads it: on the accessor, the field or the component itself. */
  private static boolean annotated(Class<?> type, RecordComponent c, Class<? extends Annotation> annotation) {
    return c.isAnnotationPresent(annotation) || c.getAccessor().isAnnotationPresent(annotation)
        || field(type, c).map(f -> f.isAnnotationPresent(annotation)).orElse(false);
  }

  private static boolean annotatedWithJackson(Class<?> type, RecordComponent c) {
    for (AnnotatedElement e : new AnnotatedElement[] {c, c.getAccessor(), field(type, c).orElse(null)}) {
      if (e == null) {
        continue;
      }
      for (Annotation a : e.getAnnotations()) {
        if (a.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Optional<java.lang.reflect.Field> field(Class<?> type, RecordComponent c) {
    try {
      return Optional.of(type.getDeclaredField(c.getName()));
    } catch (NoSuchFieldException e) {
      return Optional.empty();
    }
  }
}
