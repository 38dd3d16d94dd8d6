package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Probes a URL with GET until it answers as expected several times in a row: the status (default
 * 200), optionally a text in the body, optionally a JSON value at a simple path ({@code $.a.b},
 * {@code a.b[0]}). A wrong answer resets the count and keeps the gate RUNNING (the new version may
 * still be starting); no answer at all is ERRORED.
 *
 * <pre>{@code new HttpGate(URI.create("http://web.shop-dev/healthz"), 200, null, "$.status", "UP", 3)}</pre>
 */
final class HttpGate implements Gate {


  /** {@code - http: {url: ..., jsonPath: $.status, equals: UP}}. */
  static final GateKind KIND = new GateKind() {
    @Override
    public String name() {
      return "http";
    }

    @Override
    public java.util.List<GateSetting> settings() {
      return java.util.List.of(
          GateSetting.required("url", GateSetting.Type.URL, "http or https URL; user information in it is never shown"),
          GateSetting.optional("expectStatus", GateSetting.Type.INTEGER, 200, "the HTTP status expected"),
          GateSetting.optional("bodyContains", GateSetting.Type.STRING, null, "text the body must contain"),
          GateSetting.optional("jsonPath", GateSetting.Type.STRING, null, "a simple path ($.a.b, a.b[0].c) into a JSON body"),
          GateSetting.optional("equals", GateSetting.Type.SCALAR, null, "the value at jsonPath, compared as text"),
          GateSetting.optional("successes", GateSetting.Type.INTEGER, 3, "consecutive good answers needed"),
          GateSetting.optional("insecure", GateSetting.Type.BOOLEAN, false, "accept any TLS certificate"));
    }

    @Override
    public void check(GateSettings s, Problems problems) {
      if (s.has("equals") && !s.has("jsonPath")) {
        problems.add("equals", "'equals' needs 'jsonPath'");
      }
      if (s.text("jsonPath") != null && !validPath(s.text("jsonPath"))) {
        problems.add("jsonPath", "'jsonPath' must be a simple path like $.status or items[0].name, not '" + s.text("jsonPath") + "'");
      }
      if (s.integer("successes") < 1) {
        problems.add("successes", "'successes' must be at least 1");
      }
    }

    @Override
    public Gate build(GateSettings s, Building building) {
      return new HttpGate(URI.create(s.text("url")), s.integer("expectStatus"), s.text("bodyContains"),
          s.text("jsonPath"), s.has("equals") ? String.valueOf(s.raw("equals")) : null, s.integer("successes"),
          s.bool("insecure"));
    }
  };
  private static final Pattern STEP = Pattern.compile("\\.?([^.\\[\\]]+)|\\[(\\d+)\\]");

  private final URI url;
  private final int expectStatus;
  private final String bodyContains;
  private final String jsonPath;
  private final String equals;
  private final int successes;
  private final HttpClient http;
  private int streak;

  HttpGate(URI url, int expectStatus, String bodyContains, String jsonPath, String equals, int successes, boolean insecure) {
    this.url = url;
    this.expectStatus = expectStatus;
    this.bodyContains = bodyContains;
    this.jsonPath = jsonPath;
    this.equals = equals;
    this.successes = successes;
    this.http = Http.client(insecure);
  }

  @Override
  public String name() {
    return "http " + withoutCredentials(url);
  }

  @Override
  public GateResult check(GateContext context) {
    String where = withoutCredentials(url);
    HttpResponse<String> response;
    try {
      response = Http.send(http, HttpRequest.newBuilder(url).timeout(Http.REQUEST_TIMEOUT).GET().build());
    } catch (IOException e) {
      streak = 0;
      return GateResult.errored("GET " + where + ": " + Http.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return GateResult.errored("interrupted");
    }
    Map<String, Object> observed = new LinkedHashMap<>();
    observed.put("status", response.statusCode());
    String problem = problem(response, observed);
    if (problem != null) {
      streak = 0;
      observed.put("successes", 0);
      return GateResult.running("GET " + where + " " + problem, observed);
    }
    streak++;
    observed.put("successes", streak);
    if (streak >= successes) {
      return GateResult.passed("GET " + where + " answered as expected " + streak + " times in a row", observed);
    }
    return GateResult.running("GET " + where + " answered as expected " + streak + " of " + successes + " times", observed);
  }

  private String problem(HttpResponse<String> response, Map<String, Object> observed) {
    if (response.statusCode() != expectStatus) {
      return "answered " + response.statusCode() + ", expected " + expectStatus;
    }
    String body = response.body() == null ? "" : response.body();
    if (bodyContains != null && !body.contains(bodyContains)) {
      return "answered a body without '" + bodyContains + "'";
    }
    if (jsonPath != null) {
      JsonNode value;
      try {
        value = select(Http.json().readTree(body), jsonPath);
      } catch (IOException e) {
        return "answered a body that is not JSON";
      }
      String text = value == null || value.isMissingNode() ? null : value.isValueNode() ? value.asText() : value.toString();
      observed.put(jsonPath, text);
      if (text == null) {
        return "answered JSON without " + jsonPath;
      }
      if (equals != null && !equals.equals(text)) {
        return "answered " + jsonPath + " = " + text + ", expected " + equals;
      }
    }
    return null;
  }

  /** Follows {@code $.a.b[0].c}-style paths; returns null when a step is missing. */
  static JsonNode select(JsonNode root, String path) {
    String rest = path.startsWith("$") ? path.substring(1) : path;
    Matcher m = STEP.matcher(rest);
    JsonNode node = root;
    int end = 0;
    while (m.find()) {
      if (m.start() != end || node == null) {
        return null;
      }
      node = m.group(1) != null ? node.get(m.group(1)) : node.get(Integer.parseInt(m.group(2)));
      end = m.end();
    }
    return end == rest.length() ? node : null;
  }

  static boolean validPath(String path) {
    String rest = path.startsWith("$") ? path.substring(1) : path;
    Matcher m = STEP.matcher(rest);
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        return false;
      }
      end = m.end();
    }
    return end == rest.length() && end > 0;
  }

  /** The URL as shown in messages: user information (a password) removed. */
  static String withoutCredentials(URI uri) {
    if (uri.getUserInfo() == null) {
      return uri.toString();
    }
    return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
        + (uri.getRawPath() == null ? "" : uri.getRawPath()) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
  }
}
