package dev.ferry.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.core.git.UntrustedRecord;
import dev.ferry.core.history.BlockRecord;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The state index's hand-written JSON against the files Jackson's data binding wrote before it:
 * the same bytes for the same state, and the same state read back.
 */
class StateJsonTest {

  /** The mapper the index was written with until the streaming codec replaced it. */
  static final ObjectMapper DATA_BINDING = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .build();

  static final String COMMIT = "8dedcbbfd327e1bab3504733ea3d74f7d6d39c99";

  static ServiceState sample() {
    Map<String, String> images = new LinkedHashMap<>();
    images.put("web", "registry.example.com/shop/web@sha256:" + "a".repeat(64));
    images.put("worker", "registry.example.com/shop/worker:1.2 \"quoted\" \u00e9\n");
    ServiceState.Change full = new ServiceState.Change(7, "ecc784bc0d3d", "promote", images, COMMIT,
        "0b4afdace72281c4df1beb7daf13e36e15dd578f", Instant.parse("2026-12-02T08:03:35.123456789Z"), "alice", "bob",
        "github-environment", "https://ci.example.com/job/1", "Promote web", "f".repeat(40),
        Instant.parse("2026-12-01T00:00:00Z"));
    ServiceState.Change sparse = new ServiceState.Change(3, null, "rollback", Map.of(), COMMIT, null,
        Instant.parse("2026-11-30T10:00:00Z"), null, null, null, null, null, null, null);
    ServiceState.Verified passed = new ServiceState.Verified("registry.example.com/shop/web:1", true,
        Instant.parse("2026-12-02T09:00:00Z"), COMMIT, COMMIT);
    ServiceState.Verified failed = new ServiceState.Verified("registry.example.com/shop/web:0", false,
        Instant.parse("2026-12-02T08:00:00Z"), null, null);
    ServiceState.Blocked released = new ServiceState.Blocked("registry.example.com/shop/web:0", "error rate 5%",
        Instant.parse("2026-12-02T08:30:00Z"), "ferry",
        new BlockRecord.Release(Instant.parse("2026-12-02T10:00:00Z"), "carol"), COMMIT);
    ServiceState.Blocked active = new ServiceState.Blocked("registry.example.com/shop/web:9", null,
        Instant.parse("2026-12-02T11:00:00Z"), null, null, COMMIT);
    return new ServiceState("staging", "web", List.of(full, sparse), List.of(passed, failed), List.of(active, released));
  }

  @Test
  void writesTheBytesTheDataBindingWrote() throws Exception {
    ServiceState state = sample();
    assertThat(StateJson.write(state)).isEqualTo(DATA_BINDING.writeValueAsString(state) + "\n");
    assertThat(StateJson.write(ServiceState.empty("dev", "api")))
        .isEqualTo(DATA_BINDING.writeValueAsString(ServiceState.empty("dev", "api")) + "\n");

    StateIndex.Header header = new StateIndex.Header(1, "main", COMMIT, null, 102);
    assertThat(StateJson.write(header)).isEqualTo(DATA_BINDING.writeValueAsString(header) + "\n");

    List<UntrustedRecord> untrusted = List.of(new UntrustedRecord(COMMIT, "refs/heads/main", "mallory",
        Instant.parse("2026-12-02T12:00:00Z"), "Promote web", "no trusted signature"),
        new UntrustedRecord(COMMIT, null, null, null, null, null));
    assertThat(StateJson.write(untrusted)).isEqualTo(DATA_BINDING.writeValueAsString(untrusted) + "\n");
  }

  @Test
  void readsBackWhatItWroteAndWhatTheDataBindingWrote() throws Exception {
    ServiceState state = sample();
    assertThat(StateJson.read(StateJson.write(state), StateJson.READ_SERVICE)).isEqualTo(state);
    assertThat(StateJson.read(DATA_BINDING.writeValueAsString(state), StateJson.READ_SERVICE)).isEqualTo(state);

    StateIndex.Header header = new StateIndex.Header(1, "main", COMMIT, COMMIT, 5);
    assertThat(StateJson.read(StateJson.write(header), StateJson.READ_HEADER)).isEqualTo(header);

    List<UntrustedRecord> untrusted = List.of(new UntrustedRecord(COMMIT, "refs/heads/main", "mallory",
        Instant.parse("2026-12-02T12:00:00Z"), "Promote web", "no trusted signature"));
    assertThat(StateJson.read(StateJson.write(untrusted), StateJson.READ_UNTRUSTED)).isEqualTo(untrusted);
  }

  @Test
  void skipsFieldsALaterFerryAddsAndTakesMissingListsAsEmpty() throws Exception {
    String text = """
        { "environment" : "dev", "service" : "web", "future" : { "nested" : [ 1, 2, { "x" : null } ] },
          "changes" : [ { "seq" : 1, "kind" : "promote", "commit" : "%s", "time" : "2026-12-02T08:00:00Z",
                          "images" : { "web" : "r/web:1" }, "later" : [ "a" ] } ] }
        """.formatted(COMMIT);

    ServiceState s = StateJson.read(text, StateJson.READ_SERVICE);

    assertThat(s.changes()).hasSize(1);
    assertThat(s.changes().get(0).images()).containsEntry("web", "r/web:1");
    assertThat(s.verifications()).isEmpty();
    assertThat(s.blocks()).isEmpty();
  }

  @Test
  void aValueOfTheWrongTypeIsAnErrorAtItsLine() {
    String text = "{\n  \"environment\" : \"dev\",\n  \"service\" : \"web\",\n  \"changes\" : [ {\n"
        + "    \"seq\" : \"seven\",\n    \"commit\" : \"" + COMMIT + "\"\n  } ]\n}\n";

    assertThatThrownBy(() -> StateJson.read(text, StateJson.READ_SERVICE))
        .isInstanceOfSatisfying(JsonParseException.class, e -> {
          assertThat(e.getOriginalMessage()).isEqualTo("'seq': expected a whole number, found a string");
          assertThat(e.getLocation().getLineNr()).isEqualTo(5);
        });
  }

  @Test
  void nullsForNumbersAndBooleansAndBadTimesAreErrors() {
    assertThatThrownBy(() -> StateJson.read("{ \"format\" : 1, \"seq\" : null }", StateJson.READ_HEADER))
        .isInstanceOf(JsonParseException.class).hasMessageContaining("'seq': expected a whole number, found null");
    assertThatThrownBy(() -> StateJson.read("{ \"environment\" : \"dev\", \"verifications\" : [ "
        + "{ \"image\" : \"r/web:1\", \"at\" : \"2026-12-02T08:00:00Z\" } ] }", StateJson.READ_SERVICE))
        .isInstanceOf(JsonParseException.class).hasMessageContaining("'passed': expected true or false, found no such field");
    assertThatThrownBy(() -> StateJson.read("{ \"environment\" : \"dev\", \"verifications\" : [ "
        + "{ \"image\" : \"r/web:1\", \"passed\" : true, \"at\" : \"yesterday\" } ] }", StateJson.READ_SERVICE))
        .isInstanceOf(JsonParseException.class).hasMessageContaining("'at': expected an ISO-8601 instant, found 'yesterday'");
    assertThatThrownBy(() -> StateJson.read("{ \"changes\" : { } }", StateJson.READ_SERVICE))
        .isInstanceOf(JsonParseException.class).hasMessageContaining("expected an array, found an object");
    assertThatThrownBy(() -> StateJson.read("{ \"format\" : 1, \"seq\" : 1 } { }", StateJson.READ_HEADER))
        .isInstanceOf(JsonParseException.class).hasMessageContaining("more than one value");
    assertThatThrownBy(() -> StateJson.read("{ \"format\" : 1, ", StateJson.READ_HEADER))
        .isInstanceOf(JsonParseException.class);
  }

  @Test
  void aNullFileIsNoValue() throws Exception {
    assertThat(StateJson.read("null", StateJson.READ_SERVICE)).isNull();
    assertThat(StateJson.read("", StateJson.READ_SERVICE)).isNull();
  }
}
