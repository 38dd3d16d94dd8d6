package dev.ferry.core.gate;

import dev.ferry.core.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Judges an environment by Prometheus instant queries, in one of two ways:
 * <ul>
 *   <li>a bound: every series of {@code query} stays {@code below} (or {@code above}) a value,
 *   continuously for {@code for} from the first observation; one violation fails;</li>
 *   <li>an error-budget burn rate (Google SRE workbook, multi-window): for each window pair the
 *   {@code errorRatio} query is evaluated over the long and the short window, divided by the error
 *   budget {@code 1 - slo}; when both exceed the pair's threshold the gate fails.</li>
 * </ul>
 * An empty result is not success: the gate answers RUNNING until the no-data budget is spent, then
 * FAILED. A NaN (0/0 without traffic) counts as no data. A rejected query fails with Prometheus'
 * own error text; an unreachable server is ERRORED.
 *
 * <pre>{@code
 * PrometheusGate.bound(URI.create("http://prometheus:9090"), "error_ratio", Bound.below(0.01),
 *     Duration.ofMinutes(5), Duration.ofMinutes(2), Clock.systemUTC());
 * }</pre>
 */
final class PrometheusGate implements Gate {


  /** {@code - prometheus: {url: ..., query: ..., below: 0.01, for: 5m}}, or a burn rate with {@code slo}. */
  static final GateKind KIND = new GateKind() {
    @Override
    public String name() {
      return "prometheus";
    }

    @Override
    public List<GateSetting> settings() {
      return List.of(
          GateSetting.required("url", GateSetting.Type.URL, "Prometheus URL"),
          GateSetting.optional("query", GateSetting.Type.STRING, null, "PromQL returning an instant vector or a scalar"),
          GateSetting.optional("below", GateSetting.Type.NUMBER, null, "every series must stay below this (strict)"),
          GateSetting.optional("above", GateSetting.Type.NUMBER, null, "every series must stay above this (strict)"),
          GateSetting.optional("for", GateSetting.Type.DURATION, Duration.ZERO, "how long the bound must hold"),
          GateSetting.optional("slo", GateSetting.Type.NUMBER, null, "burn rate: the objective, between 0 and 1"),
          GateSetting.optional("errorRatio", GateSetting.Type.STRING, null, "burn rate: query template with {window}"),
          GateSetting.optional("windows", GateSetting.Type.WINDOWS, null, "burn rate: list of {long, short, burnRate}"),
          GateSetting.optional("noData", GateSetting.Type.DURATION, Duration.ofMinutes(2),
              "how long an empty result is waited for before failing"));
    }

    @Override
    public void check(GateSettings s, Problems problems) {
      if (s.has("slo") || s.has("errorRatio") || s.has("windows")) {
        for (String key : List.of("slo", "errorRatio")) {
          if (!s.has(key)) {
            problems.add(null, "missing setting '" + key + "'");
          }
        }
        GateCatalogue.forbid(s, problems, "in a burn-rate gate (slo)", "query", "below", "above");
        Double slo = s.number("slo");
        if (slo != null && (slo <= 0 || slo >= 1)) {
          problems.add("slo", "'slo' must be between 0 and 1 (e.g. 0.999), not " + s.raw("slo"));
        }
        if (s.text("errorRatio") != null && !s.text("errorRatio").contains("{window}")) {
          problems.add("errorRatio", "'errorRatio' must contain {window} where the range goes, e.g. rate(x[{window}])");
        }
      } else {
        if (!GateCatalogue.present(s.raw("query"))) {
          problems.add(null, "missing setting 'query'");
        }
        if (s.has("below") == s.has("above")) {
          problems.add(null, "set exactly one of 'below' or 'above'");
        }
      }
    }

    @Override
    public Gate build(GateSettings s, Building building) {
      URI url = URI.create(s.text("url"));
      if (s.has("slo")) {
        List<Window> windows = new ArrayList<>();
        if (s.raw("windows") instanceof List<?> list) {
          for (Object item : list) {
            Map<?, ?> m = (Map<?, ?>) item;
            windows.add(new Window(Durations.parse((String) m.get("long")).orElseThrow(),
                Durations.parse((String) m.get("short")).orElseThrow(), ((Number) m.get("burnRate")).doubleValue()));
          }
        } else {
          windows.addAll(Window.DEFAULTS);
        }
        return burnRate(url, s.number("slo"), s.text("errorRatio"), windows, s.duration("for"), s.duration("noData"),
            building.clock());
      }
      Bound bound = s.has("below") ? Bound.below(s.number("below")) : Bound.above(s.number("above"));
      return bound(url, s.text("query"), bound, s.duration("for"), s.duration("noData"), building.clock());
    }
  };

  /** A limit that every observed value must respect. */
  record Bound(boolean below, double limit) {
    static Bound below(double limit) {
      return new Bound(true, limit);
    }

    static Bound above(double limit) {
      return new Bound(false, limit);
    }

    boolean holds(double value) {
      return below ? value < limit : value > limit;
    }

    @Override
    public String toString() {
      return (below ? "below " : "above ") + number(limit);
    }
  }

  /** One window pair of a burn-rate alert: both windows over {@code burnRate} means failure. */
  record Window(Duration longWindow, Duration shortWindow, double burnRate) {
    /** The SRE workbook's page-level pairs: 2% of a 30-day budget in 1h, 5% in 6h. */
    static final List<Window> DEFAULTS = List.of(
        new Window(Duration.ofHours(1), Duration.ofMinutes(5), 14.4),
        new Window(Duration.ofHours(6), Duration.ofMinutes(30), 6));
  }

  private final URI url;
  private final String query;
  private final Bound bound;
  private final double slo;
  private final List<Window> windows;
  private final Duration holdFor;
  private final Duration noDataBudget;
  private final Clock clock;
  private final HttpClient http = Http.client(false);
  private Instant firstObserved;
  private Instant noDataSince;

  private PrometheusGate(URI url, String query, Bound bound, double slo, List<Window> windows,
      Duration holdFor, Duration noDataBudget, Clock clock) {
    this.url = url;
    this.query = query;
    this.bound = bound;
    this.slo = slo;
    this.windows = windows;
    this.holdFor = holdFor;
    this.noDataBudget = noDataBudget;
    this.clock = clock;
  }

  static PrometheusGate bound(URI url, String query, Bound bound, Duration holdFor, Duration noDataBudget, Clock clock) {
    return new PrometheusGate(url, query, bound, 0, List.of(), holdFor, noDataBudget, clock);
  }

  /** @param errorRatio a query template with {@code {window}} where the range goes, e.g. {@code [{window}]} */
  static PrometheusGate burnRate(URI url, double slo, String errorRatio, List<Window> windows,
      Duration holdFor, Duration noDataBudget, Clock clock) {
    return new PrometheusGate(url, errorRatio, null, slo, List.copyOf(windows), holdFor, noDataBudget, clock);
  }

  @Override
  public String name() {
    return bound != null ? "prometheus " + abbreviate(query) + " " + bound
        : "prometheus burn rate SLO " + number(slo);
  }

  @Override
  public GateResult check(GateContext context) {
    try {
      return bound != null ? checkBound() : checkBurnRate();
    } catch (GateAnswer answer) {
      return answer.result();
    }
  }

  private GateResult checkBound() {
    List<Sample> samples = query(query);
    Map<String, Object> observed = new LinkedHashMap<>();
    if (samples.isEmpty()) {
      return noData("query returned no series", observed);
    }
    noDataSince = null;
    double worst = bound.below() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    for (Sample s : samples) {
      if (!bound.holds(s.value())) {
        observed.put("value", s.value());
        observed.put("series", s.labels());
        return GateResult.failed("value " + number(s.value()) + " of " + s.labels() + " is not " + bound, observed);
      }
      worst = bound.below() ? Math.max(worst, s.value()) : Math.min(worst, s.value());
    }
    observed.put("value", worst);
    observed.put("series", samples.size());
    return hold("value " + number(worst) + " " + bound, observed);
  }

  private GateResult checkBurnRate() {
    double budget = 1 - slo;
    Map<String, Object> observed = new LinkedHashMap<>();
    List<String> parts = new ArrayList<>();
    boolean missing = false;
    for (Window w : windows) {
      String longText = Durations.format(w.longWindow());
      String shortText = Durations.format(w.shortWindow());
      Double longRatio = max(query(query.replace("{window}", longText)));
      Double shortRatio = max(query(query.replace("{window}", shortText)));
      if (longRatio == null || shortRatio == null) {
        missing = true;
        parts.add("no data over " + (longRatio == null ? longText : shortText));
        continue;
      }
      double longBurn = longRatio / budget;
      double shortBurn = shortRatio / budget;
      observed.put("burnRate" + longText, round(longBurn));
      observed.put("burnRate" + shortText, round(shortBurn));
      String part = "burn rate " + number(round(longBurn)) + "x over " + longText + " and "
          + number(round(shortBurn)) + "x over " + shortText + " (threshold " + number(w.burnRate()) + "x)";
      if (longBurn > w.burnRate() && shortBurn > w.burnRate()) {
        return GateResult.failed("error budget of SLO " + number(slo) + " burning too fast: " + part, observed);
      }
      parts.add(part);
    }
    if (missing) {
      return noData("errorRatio returned no series: " + String.join("; ", parts), observed);
    }
    noDataSince = null;
    return hold(String.join("; ", parts), observed);
  }

  private GateResult hold(String what, Map<String, Object> observed) {
    Instant now = clock.instant();
    if (firstObserved == null) {
      firstObserved = now;
    }
    Duration held = Duration.between(firstObserved, now);
    observed.put("heldFor", Durations.format(held));
    if (held.compareTo(holdFor) >= 0) {
      return GateResult.passed(what + (holdFor.isZero() ? "" : " for " + Durations.format(holdFor)), observed);
    }
    return GateResult.running(what + " for " + Durations.format(held) + " of " + Durations.format(holdFor), observed);
  }

  private GateResult noData(String reason, Map<String, Object> observed) {
    Instant now = clock.instant();
    if (noDataSince == null) {
      noDataSince = now;
    }
    Duration waited = Duration.between(noDataSince, now);
    if (waited.compareTo(noDataBudget) >= 0) {
      return GateResult.failed(reason + " for " + Durations.format(waited), observed);
    }
    return GateResult.running(reason + " (waiting up to " + Durations.format(noDataBudget) + ")", observed);
  }

  record Sample(Map<String, String> labels, double value) {
  }

  /** Runs an instant query; NaN samples are dropped as they carry no information. */
  List<Sample> query(String promql) {
    URI uri = URI.create(url.toString().replaceAll("/+$", "") + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> response;
    try {
      response = Http.send(http, HttpRequest.newBuilder(uri).timeout(Http.REQUEST_TIMEOUT).GET()
          .header("Accept", "application/json").build());
    } catch (IOException e) {
      throw new GateAnswer(GateResult.errored("Prometheus at " + HttpGate.withoutCredentials(url) + ": " + Http.describe(e)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GateAnswer(GateResult.errored("interrupted"));
    }
    JsonNode body;
    try {
      body = Http.json().readTree(response.body());
    } catch (IOException e) {
      body = Http.json().createObjectNode();
    }
    int code = response.statusCode();
    if (code != 200 || !body.path("status").asText().equals("success")) {
      String error = body.path("errorType").asText("") + (body.has("error") ? ": " + body.path("error").asText() : "");
      String what = "Prometheus at " + HttpGate.withoutCredentials(url) + " answered " + code + " to '" + promql + "'"
          + (error.isEmpty() ? "" : ": " + error);
      // 400 bad_data and 422 execution errors will not go away by asking again
      return failOrRetry(code, what);
    }
    JsonNode data = body.path("data");
    String type = data.path("resultType").asText();
    List<Sample> samples = new ArrayList<>();
    if (type.equals("scalar")) {
      add(samples, Map.of(), data.path("result").path(1).asText());
    } else if (type.equals("vector")) {
      for (JsonNode r : data.path("result")) {
        Map<String, String> labels = new LinkedHashMap<>();
        r.path("metric").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        add(samples, labels, r.path("value").path(1).asText());
      }
    } else {
      throw new GateAnswer(GateResult.failed("query '" + promql + "' returned a " + type
          + ", not an instant vector: remove the range selector"));
    }
    return samples;
  }

  private static List<Sample> failOrRetry(int code, String what) {
    if (code == 400 || code == 422) {
      throw new GateAnswer(GateResult.failed(what));
    }
    throw new GateAnswer(GateResult.errored(what));
  }

  private static void add(List<Sample> samples, Map<String, String> labels, String text) {
    double value;
    try {
      value = Double.parseDouble(text.replace("+Inf", "Infinity").replace("-Inf", "-Infinity"));
    } catch (NumberFormatException e) {
      return;
    }
    if (!Double.isNaN(value)) {
      samples.add(new Sample(labels, value));
    }
  }

  private static Double max(List<Sample> samples) {
    return samples.stream().map(Sample::value).max(Double::compare).orElse(null);
  }

  private static double round(double value) {
    return Double.isFinite(value) ? Math.round(value * 1000) / 1000.0 : value;
  }

  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return String.valueOf((long) value);
    }
    return String.format(Locale.ROOT, "%s", value);
  }

  private static String abbreviate(String text) {
    String oneLine = text.replaceAll("\\s+", " ").trim();
    return oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine;
  }
}
