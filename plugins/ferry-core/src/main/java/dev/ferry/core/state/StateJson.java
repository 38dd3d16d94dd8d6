package dev.ferry.core.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.ferry.core.JsonOut;
import dev.ferry.core.git.UntrustedRecord;
import dev.ferry.core.history.BlockRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state index's files in JSON: read field by field with Jackson's streaming parser, written
 * with {@link JsonOut}. Every command reads the index, and Jackson's data binding cost a warm
 * promotion a tenth of its time before its first value: the {@code ObjectMapper} class itself (its
 * default date format loads the locale data) and the introspection of each record type. The files
 * are the ones the data binding wrote (records in component order, nulls written, instants in
 * ISO-8601, the default pretty printer), so indexes written by either read the same and no file
 * changes only because its writer did. Unknown fields are skipped: a later Ferry may add some.
 */
final class StateJson {

  private static final JsonFactory FACTORY = new JsonFactory();

  private StateJson() {
  }

  /** A reader of one value at the parser's current token (after {@code nextToken}). */
  @FunctionalInterface
  interface Read<T> {
    T from(JsonParser p) throws IOException;
  }

  /** The value of the whole text; null for a JSON {@code null}. Syntax and type errors are {@link JsonParseException}s with a line. */
  static <T> T read(String text, Read<T> reader) throws JsonParseException {
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() == null) {
        return null;
      }
      T value = p.currentToken() == JsonToken.VALUE_NULL ? null : reader.from(p);
      if (p.nextToken() != null) {
        throw new JsonParseException(p, "more than one value in the file");
      }
      return value;
    } catch (JsonParseException e) {
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // reading a String does no I/O
    }
  }

  /**
   * The text of a file of the index ({@link StateIndex.Header}, a {@link ServiceState}, the list
   * of {@link UntrustedRecord}s), pretty printed, with a final newline.
   */
  static String write(Object file) {
    return JsonOut.write(file).orElseThrow(() -> new IllegalStateException(
        "the state index cannot be written without the data binding: " + file.getClass().getName())) + "\n";
  }

  // --- the files ------------------------------------------------------------------------------

  static final Read<StateIndex.Header> READ_HEADER = p -> {
    Fields f = Fields.of(p, "format", "branch", "base", "notes", "seq");
    return new StateIndex.Header((int) f.number("format"), f.text("branch"), f.text("base"), f.text("notes"),
        f.number("seq"));
  };

  private static final Map<String, Read<?>> SERVICE_LISTS = Map.of("changes", list(StateJson::change),
      "verifications", list(StateJson::verified), "blocks", list(StateJson::blocked));

  static final Read<ServiceState> READ_SERVICE = p -> {
    Fields f = Fields.of(p, SERVICE_LISTS, "environment", "service");
    return new ServiceState(f.text("environment"), f.text("service"), f.list("changes"), f.list("verifications"),
        f.list("blocks"));
  };

  static final Read<List<UntrustedRecord>> READ_UNTRUSTED = list(StateJson::untrusted);

  // --- the records inside them ----------------------------------------------------------------

  private static ServiceState.Change change(JsonParser p) throws IOException {
    Fields f = Fields.of(p, Map.of("images", StateJson::images), "seq", "id", "kind", "commit", "parent", "time",
        "promotedBy", "approvedBy", "approvalSource", "source", "subject", "sourceCommit", "sourceTime");
    return new ServiceState.Change(f.number("seq"), f.text("id"), f.text("kind"), f.value("images"), f.text("commit"),
        f.text("parent"), f.instant("time"), f.text("promotedBy"), f.text("approvedBy"), f.text("approvalSource"),
        f.text("source"), f.text("subject"), f.text("sourceCommit"), f.instant("sourceTime"));
  }

  private static ServiceState.Verified verified(JsonParser p) throws IOException {
    Fields f = Fields.of(p, "image", "passed", "at", "commit", "noteOn");
    return new ServiceState.Verified(f.text("image"), f.bool("passed"), f.instant("at"), f.text("commit"),
        f.text("noteOn"));
  }

  private static ServiceState.Blocked blocked(JsonParser p) throws IOException {
    Fields f = Fields.of(p, Map.of("released", StateJson::release), "image", "reason", "at", "by", "commit");
    return new ServiceState.Blocked(f.text("image"), f.text("reason"), f.instant("at"), f.text("by"),
        f.value("released"), f.text("commit"));
  }

  private static BlockRecord.Release release(JsonParser p) throws IOException {
    Fields f = Fields.of(p, "at", "by");
    return new BlockRecord.Release(f.instant("at"), f.text("by"));
  }

  private static UntrustedRecord untrusted(JsonParser p) throws IOException {
    Fields f = Fields.of(p, "commit", "ref", "author", "time", "subject", "reason");
    return new UntrustedRecord(f.text("commit"), f.text("ref"), f.text("author"), f.instant("time"), f.text("subject"),
        f.text("reason"));
  }

  private static Map<String, String> images(JsonParser p) throws IOException {
    expect(p, JsonToken.START_OBJECT, "an object of service to image");
    Map<String, String> images = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String service = p.currentName();
      p.nextToken();
      images.put(service, scalarText(p));
    }
    return images;
  }

  // --- small pieces ---------------------------------------------------------------------------

  private static <T> Read<List<T>> list(Read<T> each) {
    return p -> {
      expect(p, JsonToken.START_ARRAY, "an array");
      List<T> out = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        if (p.currentToken() == null) {
          throw new JsonParseException(p, "the array does not end");
        }
        out.add(each.from(p));
      }
      return out;
    };
  }

  private static void expect(JsonParser p, JsonToken token, String what) throws JsonParseException {
    if (p.currentToken() != token) {
      throw new JsonParseException(p, "expected " + what + ", found " + describe(p.currentToken()));
    }
  }

  private static String scalarText(JsonParser p) throws IOException {
    if (p.currentToken() == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(p, JsonToken.VALUE_STRING, "a string");
    return p.getText();
  }

  private static String describe(JsonToken token) {
    if (token == null) {
      return "the end of the file";
    }
    return switch (token) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
    };
  }

  /**
   * The fields of one JSON object, read at once: the scalars by name, the structured ones by their
   * readers. Fields it does not know are skipped; a missing field is null. A field of the wrong
   * type is an error at its line when it is asked for.
   */
  private static final class Fields {
    private record Value(Object value, JsonToken token, JsonLocation at) {
    }

    private final JsonParser parser;
    private final Map<String, Value> values = new HashMap<>();

    private Fields(JsonParser parser) {
      this.parser = parser;
    }

    static Fields of(JsonParser p, String... scalars) throws IOException {
      return of(p, Map.of(), scalars);
    }

    static Fields of(JsonParser p, Map<String, Read<?>> structured, String... scalars) throws IOException {
      expect(p, JsonToken.START_OBJECT, "an object");
      Fields f = new Fields(p);
      List<String> known = List.of(scalars);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        JsonLocation at = p.currentTokenLocation();
        Read<?> reader = structured.get(name);
        if (reader != null) {
          f.values.put(name, new Value(t == JsonToken.VALUE_NULL ? null : reader.from(p), t, at));
        } else if (known.contains(name)) {
          Object v = switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT -> p.getLongValue();
            case VALUE_TRUE, VALUE_FALSE -> t == JsonToken.VALUE_TRUE;
            default -> null;
          };
          f.values.put(name, new Value(v, t, at));
          p.skipChildren();
        } else {
          p.skipChildren();
        }
      }
      expect(p, JsonToken.END_OBJECT, "the end of the object");
      return f;
    }

    private <T> T get(String name, Class<T> type, boolean nullable, String what) throws JsonParseException {
      Value v = values.get(name);
      if (v == null || v.token() == JsonToken.VALUE_NULL) {
        if (nullable) {
          return null;
        }
        throw new JsonParseException(parser, "'" + name + "': expected " + what + ", found "
            + (v == null ? "no such field" : "null"), v == null ? parser.currentLocation() : v.at());
      }
      if (!type.isInstance(v.value())) {
        throw new JsonParseException(parser, "'" + name + "': expected " + what + ", found " + describe(v.token()),
            v.at());
      }
      return type.cast(v.value());
    }

    String text(String name) throws JsonParseException {
      return get(name, String.class, true, "a string");
    }

    long number(String name) throws JsonParseException {
      return get(name, Long.class, false, "a whole number");
    }

    boolean bool(String name) throws JsonParseException {
      return get(name, Boolean.class, false, "true or false");
    }

    Instant instant(String name) throws JsonParseException {
      String text = text(name);
      try {
        return text == null ? null : Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new JsonParseException(parser, "'" + name + "': expected an ISO-8601 instant, found '" + text + "'",
            values.get(name).at());
      }
    }

    @SuppressWarnings("unchecked")
    <T> T value(String name) {
      Value v = values.get(name);
      return v == null ? null : (T) v.value();
    }

    <T> List<T> list(String name) {
      return value(name);
    }
  }
}
