package dev.ferry.core.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ferry.core.FerryEvent;
import dev.ferry.core.FerryListener;
import dev.ferry.core.config.NotificationConfig;
import java.io.IOException;
import java.net.URI;
import dev.ferry.core.HttpCall;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers events to the receivers of {@code notifications:} in ferry.yaml: Slack, Microsoft
 * Teams, a generic webhook (CloudEvents 1.0, optionally HMAC-signed) and Grafana annotations. A
 * notification that cannot be delivered never fails what it tells of: after bounded retries it
 * becomes a {@link #problems() problem}, reported as a warning and in the command's JSON.
 *
 * <pre>{@code
 * Notifier notifier = new Notifier(config.notifications(), System.getenv(), listener);
 * Promoter promoter = new Promoter(config, context.withDeliveries(notifier));
 * ...
 * notifier.problems();   // what was not delivered, without URLs or tokens
 * }</pre>
 */
public final class Notifier implements DeliveryListener {

  /** The header that carries the HMAC-SHA256 of a webhook's body: {@code sha256=<hex>}. */
  public static final String SIGNATURE_HEADER = "X-Ferry-Signature-256";

  private static final int ATTEMPTS = 3;

  private final List<NotificationConfig> receivers;
  private final Map<String, String> env;
  private final FerryListener listener;
  private final HttpClient http;
  private final Duration backoff;
  private final Duration timeout;
  private final List<String> problems = new ArrayList<>();

  public Notifier(List<NotificationConfig> receivers, Map<String, String> env, FerryListener listener) {
    this(receivers, env, listener, Duration.ofMillis(500), Duration.ofSeconds(10));
  }

  /** With the wait between attempts and the time one attempt may take (tests shorten both). */
  public Notifier(List<NotificationConfig> receivers, Map<String, String> env, FerryListener listener,
      Duration backoff, Duration timeout) {
    this.receivers = List.copyOf(receivers);
    this.env = env;
    this.listener = listener;
    this.backoff = backoff;
    this.timeout = timeout;
    // webhook URLs are secrets: a redirect must not carry a payload, or a token, anywhere else
    this.http = receivers.isEmpty() ? null : HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(timeout)
        .build();
  }

  /** What could not be delivered so far, one line each, naming the receiver by its variable, never its URL. */
  public List<String> problems() {
    synchronized (problems) {
      return List.copyOf(problems);
    }
  }

  @Override
  public void on(DeliveryEvent event) {
    for (NotificationConfig receiver : receivers) {
      if (receiver.wants(event.type(), event.environment())) {
        deliver(receiver, event);
      }
    }
  }

  private void deliver(NotificationConfig receiver, DeliveryEvent event) {
    String what = receiver.label() + " of " + event.type() + " in " + event.environment();
    HttpRequest request;
    try {
      request = request(receiver, event);
    } catch (MissingSecret e) {
      problem(what + " not delivered: " + e.getMessage());
      return;
    }
    String last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        // the whole answer within the timeout, at most 64 KB of it: a receiver cannot hold the promotion
        int code = HttpCall.send(http, request, timeout, 64 * 1024, HttpCall.Redirects.NONE)
            .status();
        if (code / 100 == 2) {
          listener.on(FerryEvent.debug("notify", "told " + what));
          return;
        }
        last = "HTTP " + code;
        if (code != 429 && code / 100 != 5) {
          break; // the receiver refused this payload or this credential: asking again changes nothing
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + Messages.oneLine(stripUrls(e.getMessage()), 200));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        last = "interrupted";
        break;
      }
      if (attempt < ATTEMPTS) {
        sleep(backoff.multipliedBy(attempt));
      }
    }
    problem(what + " not delivered: " + last);
  }

  private void problem(String message) {
    synchronized (problems) {
      problems.add(message);
    }
    listener.on(FerryEvent.warn("notify", message));
  }

  private HttpRequest request(NotificationConfig receiver, DeliveryEvent event) throws MissingSecret {
    ObjectNode body;
    String contentType = "application/json";
    String url;
    HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(timeout);
    switch (receiver.kind()) {
      case "slack" -> {
        url = secret(receiver.urlEnv(), "webhookEnv");
        body = Messages.slack(event);
      }
      case "teams" -> {
        url = secret(receiver.urlEnv(), "webhookEnv");
        body = Messages.teams(event);
      }
      case "webhook" -> {
        url = secret(receiver.urlEnv(), "urlEnv");
        body = Messages.cloudEvent(event, "ferry/" + event.environment());
        contentType = "application/cloudevents+json; charset=utf-8";
      }
      case "grafana" -> {
        url = receiver.url().replaceAll("/+$", "") + "/api/annotations";
        builder.header("Authorization", "Bearer " + secret(receiver.tokenEnv(), "tokenEnv"));
        body = Messages.grafana(event, receiver.dashboardUid());
      }
      default -> throw new IllegalStateException("unknown notification kind " + receiver.kind());
    }
    byte[] bytes = bytes(body);
    if (receiver.secretEnv() != null) {
      builder.header(SIGNATURE_HEADER, "sha256=" + hmac(secret(receiver.secretEnv(), "secretEnv"), bytes));
    }
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new MissingSecret("the URL in " + (receiver.urlEnv() != null ? receiver.urlEnv() : "url") + " is not a URL");
    }
    if (uri.getScheme() == null || !uri.getScheme().matches("https?")) {
      throw new MissingSecret("the URL in " + (receiver.urlEnv() != null ? receiver.urlEnv() : "url")
          + " must start with https:// (or http://)");
    }
    return builder.uri(uri).header("Content-Type", contentType).header("User-Agent", "ferry")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
  }

  private String secret(String variable, String key) throws MissingSecret {
    String value = variable == null ? null : env.get(variable);
    if (value == null || value.isBlank()) {
      throw new MissingSecret(variable == null ? key + " is not configured" : "the environment variable " + variable + " is not set");
    }
    return value.strip();
  }

  /** The HMAC-SHA256 of {@code body} with {@code secret}, in lower-case hex, as {@link #SIGNATURE_HEADER} carries it. */
  public static String hmac(String secret, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static byte[] bytes(ObjectNode body) {
    try {
      return Messages.JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a notification", e);
    }
  }

  /** The JDK's connect errors may name the host and path of a secret URL. */
  private static String stripUrls(String message) {
    return message.replaceAll("[a-z][a-z0-9+.-]*://\\S+", "<url>");
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class MissingSecret extends Exception {
    MissingSecret(String message) {
      super(message, null, false, false);
    }
  }
}
