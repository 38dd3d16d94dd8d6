package dev.ferry.core.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.ferry.core.ExternalException;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.HttpCall;
import dev.ferry.core.InputException;
import dev.ferry.core.gate.Sleeper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The HTTP client of one forge API: JSON in and out, the credential in a header, rate limits
 * waited out within the command's deadline, a server that does not answer retried a few times.
 * Every error names the API and the variable holding the token, never the token itself. Each
 * exchange goes through {@link HttpCall}: a deadline for the whole answer, a capped body, and the
 * credential sent only to the API's own origin, redirects included.
 */
final class ForgeHttp {

  static final ObjectMapper JSON = new ObjectMapper();
  static final int ATTEMPTS = 3;
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final String TOPIC = "forge";
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER).build();

  /** Where requests go and who they are. */
  record Setup(String api, String credentialName, Supplier<String> authorization, ForgeContext context) {
  }

  private final Setup setup;

  ForgeHttp(Setup setup) {
    this.setup = setup;
  }

  String api() {
    return setup.api();
  }

  /** What holds the credential, for messages: the variable's name or the app's key file. */
  String credentialName() {
    return setup.credentialName();
  }

  /** An answer: its status and its JSON (a missing node when empty). */
  record Answer(int status, JsonNode json) {
    boolean ok() {
      return status / 100 == 2;
    }
  }

  JsonNode get(String path) {
    return expect(send("GET", path, null), "GET", path);
  }

  JsonNode post(String path, Object body) {
    return expect(send("POST", path, body), "POST", path);
  }

  JsonNode put(String path, Object body) {
    return expect(send("PUT", path, body), "PUT", path);
  }

  JsonNode patch(String path, Object body) {
    return expect(send("PATCH", path, body), "PATCH", path);
  }

  private JsonNode expect(Answer a, String method, String path) {
    if (!a.ok()) {
      throw new ExternalException(method + " " + shown(path) + " answered " + a.status() + ": "
          + message(a.json()));
    }
    return a.json();
  }

  /**
   * One request: 401 (and 403 that is not a rate limit) is a credential problem, exit 2; a rate
   * limit is waited out while the deadline allows; 5xx and no answer are retried, then exit 3.
   * Other statuses are the caller's to read.
   */
  Answer send(String method, String path, Object body) {
    String url = path.startsWith("http") ? path : setup.api() + path;
    if (!HttpCall.sameOrigin(URI.create(setup.api()), URI.create(url))) {
      // a link from an answer (pagination) must not carry the credential to another host
      throw new ExternalException("the forge API " + setup.api() + " pointed " + method + " at another origin, "
          + HttpCall.origin(URI.create(url)) + "; Ferry sends " + setup.credentialName() + " only to "
          + HttpCall.origin(URI.create(setup.api())), "check 'api' in pullRequests", null);
    }
    ForgeContext ctx = setup.context();
    int failures = 0;
    while (true) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
          .header("Accept", "application/json").header("User-Agent", "ferry");
      String auth = setup.authorization().get();
      if (auth != null) {
        b.header("Authorization", auth);
      }
      try {
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (body != null) {
          b.header("Content-Type", "application/json");
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      HttpCall.Answer r;
      try {
        r = HttpCall.send(CLIENT, b.build(), REQUEST_TIMEOUT, HttpCall.MAX_BODY,
            HttpCall.Redirects.SAME_ORIGIN_WITH_CREDENTIALS);
      } catch (HttpCall.Stopped e) {
        // a body over the cap or a redirect to another origin: asking again gives the same answer
        throw new ExternalException("the forge API " + setup.api() + " answered " + method + " " + shown(path)
            + " in a way Ferry does not follow: " + e.getMessage(),
            "check 'api' in pullRequests: it must be the forge's final API URL", e);
      } catch (IOException e) {
        failures++;
        if (failures >= ATTEMPTS) {
          throw new ExternalException("the forge API " + setup.api() + " did not answer " + method + " "
              + shown(path) + " after " + failures + " attempts: " + describe(e),
              "check that the forge is up and that 'api' in pullRequests is right", e);
        }
        pause(Duration.ofMillis(500L * failures), "did not answer");
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExternalException("interrupted while calling " + setup.api(), e);
      }
      JsonNode json = parse(r.text());
      int status = r.status();
      Optional<Duration> limited = rateLimit(status, r.headers(), json, ctx.clock());
      if (limited.isPresent()) {
        Duration wait = limited.get();
        if (ctx.clock().instant().plus(wait).isAfter(ctx.deadline())) {
          throw new ExternalException("the forge API " + setup.api() + " rate-limits " + setup.credentialName()
              + " for another " + wait.toSeconds() + " s, past this command's deadline",
              "run again later, or give the command more time", null);
        }
        pause(wait, "rate-limited (" + status + ")");
        continue;
      }
      if (status == 401 || status == 403) {
        throw new InputException("the forge API " + setup.api() + " refused the credential in "
            + setup.credentialName() + " (" + status + " on " + method + " " + shown(path) + "): " + message(json),
            null, "check that " + setup.credentialName() + " holds a valid token with access to "
            + "pull requests of the repository (and write access to its contents with git.signing format github)", null);
      }
      if (status >= 500) {
        failures++;
        if (failures >= ATTEMPTS) {
          throw new ExternalException("the forge API " + setup.api() + " failed " + method + " " + shown(path)
              + " " + failures + " times (last: " + status + ")",
              "check the forge's status; run the same command again: it finds what already landed (the same"
              + " pull request, the same commit)", null);
        }
        pause(Duration.ofMillis(500L * failures), "answered " + status);
        continue;
      }
      return new Answer(status, json);
    }
  }

  /**
   * 429, or 403 with Retry-After, an exhausted {@code x-ratelimit-remaining}, or GitHub's
   * secondary-limit message: how long to wait.
   */
  static Optional<Duration> rateLimit(int status, HttpHeaders headers, JsonNode json, Clock clock) {
    if (status != 429 && status != 403) {
      return Optional.empty();
    }
    Optional<String> retryAfter = headers.firstValue("Retry-After");
    if (retryAfter.isPresent()) {
      try {
        return Optional.of(Duration.ofSeconds(Math.max(1, Long.parseLong(retryAfter.get().trim()))));
      } catch (NumberFormatException httpDate) {
        return Optional.of(Duration.ofSeconds(60));
      }
    }
    Optional<String> remaining = headers.firstValue("x-ratelimit-remaining");
    Optional<String> reset = headers.firstValue("x-ratelimit-reset");
    if (remaining.filter("0"::equals).isPresent() && reset.isPresent()) {
      try {
        long at = Long.parseLong(reset.get().trim());
        return Optional.of(Duration.ofSeconds(Math.max(1, at - clock.instant().getEpochSecond())));
      } catch (NumberFormatException bad) {
        return Optional.of(Duration.ofSeconds(60));
      }
    }
    if (message(json).toLowerCase(java.util.Locale.ROOT).contains("secondary rate limit")) {
      // GitHub: "wait at least one minute" when it gives no header
      return Optional.of(Duration.ofSeconds(60));
    }
    return status == 429 ? Optional.of(Duration.ofSeconds(60)) : Optional.empty();
  }

  private void pause(Duration d, String why) {
    setup.context().listener().on(FerryEvent.progress(TOPIC, setup.api() + " " + why + "; waiting "
        + d.toSeconds() + " s"));
    try {
      setup.context().sleeper().sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExternalException("interrupted while waiting for " + setup.api(), e);
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException notJson) {
      return JSON.getNodeFactory().objectNode().put("message", body.length() > 200 ? body.substring(0, 200) : body);
    }
  }

  /** The error text a forge sent, reduced to one printable line. */
  static String message(JsonNode json) {
    for (String key : new String[] {"message", "error", "errorMessage"}) {
      JsonNode m = json.path(key);
      if (m.isTextual()) {
        return Text.oneLine(m.asText());
      }
      if (m.isObject() && m.path("message").isTextual()) {
        return Text.oneLine(m.path("message").asText());
      }
    }
    JsonNode errors = json.path("errors");
    if (errors.isArray() && errors.size() > 0) {
      JsonNode first = errors.get(0);
      return Text.oneLine(first.isTextual() ? first.asText() : first.path("message").asText(first.toString()));
    }
    return json.isMissingNode() ? "(no body)" : Text.oneLine(json.toString());
  }

  /** The path with its query string dropped: queries may carry names, never needed in an error. */
  private static String shown(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }

  private static String describe(IOException e) {
    if (e instanceof java.net.http.HttpTimeoutException) {
      return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
    }
    if (e instanceof java.net.ConnectException) {
      return "connection refused";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  static Instant instant(JsonNode node) {
    if (node == null || !node.isTextual() || node.asText().isBlank()) {
      return null;
    }
    try {
      return java.time.OffsetDateTime.parse(node.asText()).toInstant();
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }
}
