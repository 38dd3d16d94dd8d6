package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.ferry.core.JsonOut;
import dev.ferry.core.gate.GateOutcome;
import dev.ferry.core.gate.GateStatus;
import dev.ferry.core.gate.Verification;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.metrics.MetricsReport;
import dev.ferry.core.promote.Plan;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** {@link JsonOut} against the data binding it stands in for: the same bytes, or no answer. */
class JsonOutTest {

  static final Instant AT = Instant.parse("2026-12-02T08:03:35.123456789Z");

  record WithIgnored(String shown, @JsonIgnore String hidden, int count) {
  }

  record WithGetter(String name) {
    public String getLabel() {
      return "label " + name;
    }
  }

  static String dataBinding(Object value) throws Exception {
    return Console.Json.MAPPER.writeValueAsString(value);
  }

  @Test
  void writesTheBytesOfTheDataBindingForWhatResultsAreMadeOf() throws Exception {
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("revision", "abc");
    observed.put("ratio", 0.5);
    observed.put("tiny", 1.0E-4);
    observed.put("whole", 12.0);
    observed.put("big", new BigDecimal("1.50"));
    observed.put("count", 3L);
    observed.put("none", null);
    observed.put("flags", Arrays.asList(true, false, null));
    GateOutcome outcome = new GateOutcome("argocd", GateStatus.RUNNING, "still \"Progressing\" \u00e9\n\t<b>", observed,
        AT, AT.plusSeconds(5), 2);
    Verification verification = new Verification(false, List.of(outcome), AT, AT.plusSeconds(9));

    Map<String, Object> result = new LinkedHashMap<>();
    result.put("environment", "staging");
    result.put("noop", false);
    result.put("attempts", 1);
    result.put("status", GateStatus.FAILED);
    result.put("files", new TreeSet<>(List.of("b.yaml", "a.yaml")));
    result.put("empty", List.of());
    result.put("emptyObject", Map.of());
    result.put("array", new String[] {"x", null});
    result.put("byStatus", Map.of(GateStatus.PASSED, 1));
    result.put("outcomes", List.of(outcome));
    result.put("verification", verification);
    result.put("ignored", new WithIgnored("yes", "no", 7));
    result.put("nested", List.of(Map.of("a", List.of(1, 2)), new ArrayList<>()));

    assertThat(JsonOut.write(result)).hasValue(dataBinding(result));
  }

  @Test
  void writesTheCoresRecordsAsTheDataBindingDoes() throws Exception {
    Plan.FileChangePlan file = new Plan.FileChangePlan("envs/dev/web/values.yaml", List.of("web"), List.of("web"),
        "tag: 1\n", "tag: 2\n", "-tag: 1\n+tag: 2\n");
    MetricsReport.Keys keys = new MetricsReport.Keys(3, 0.5, 3.5, new MetricsReport.Spread(60L, 120L, 3), null, 0,
        MetricsReport.Spread.NONE, 0, Map.of(), null);

    ImageRef image = ImageRef.parse("registry.example.com/web:1@sha256:" + "a".repeat(64));
    assertThat(JsonOut.write(Map.of("images", Map.of("web", image)))).hasValue(dataBinding(Map.of("images", Map.of("web", image))));
    assertThat(JsonOut.write(file)).hasValue(dataBinding(file));
    assertThat(JsonOut.write(keys)).hasValue(dataBinding(keys));
    assertThat(JsonOut.write(Map.of("error", Map.of("message", "x", "exitCode", 2))))
        .hasValue(dataBinding(Map.of("error", Map.of("message", "x", "exitCode", 2))));
  }

  @Test
  void leavesToTheDataBindingWhatItWouldReadDifferently() throws Exception {
    assertThat(JsonOut.write(Map.of("timeout", Duration.ofSeconds(5)))).isEmpty();
    assertThat(JsonOut.write(List.of(Optional.of("x")))).isEmpty();
    assertThat(JsonOut.write(new WithGetter("web"))).isEmpty();
    assertThat(JsonOut.write(Map.of(1, "numeric key"))).isEmpty();

    // and Console still writes them, through the data binding
    assertThat(Console.toJson(new WithGetter("web"))).isEqualTo(dataBinding(new WithGetter("web")))
        .contains("\"label\" : \"label web\"");
  }
}
