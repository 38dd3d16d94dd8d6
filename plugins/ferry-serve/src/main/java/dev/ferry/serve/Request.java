package dev.ferry.serve;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** One request to the dashboard: its path parameters, query and form, who is asking, and the answer. */
final class Request {

  static final int MAX_BODY = 256 * 1024;

  /** Pages may load only this server's own script and styles; no inline script, no framing. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
      + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  final HttpExchange exchange;
  final Map<String, String> params;
  final Map<String, String> query;
  private Map<String, String> form;
  private byte[] body;
  String user;

  Request(HttpExchange exchange, Map<String, String> params) {
    this.exchange = exchange;
    this.params = params;
    this.query = decode(exchange.getRequestURI().getRawQuery());
  }

  String header(String name) {
    return exchange.getRequestHeaders().getFirst(name);
  }

  byte[] body() throws IOException {
    if (body == null) {
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readNBytes(MAX_BODY + 1);
      }
      if (body.length > MAX_BODY) {
        throw new BadRequest(413, "the request body is larger than " + MAX_BODY + " bytes");
      }
    }
    return body;
  }

  Map<String, String> form() throws IOException {
    if (form == null) {
      String type = header("Content-Type");
      if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
        throw new BadRequest(415, "send the form as application/x-www-form-urlencoded");
      }
      form = decode(new String(body(), StandardCharsets.UTF_8));
    }
    return form;
  }

  /** A form field that must be present and non-blank. */
  String field(String name) throws IOException {
    String v = form().get(name);
    if (v == null || v.isBlank()) {
      throw new BadRequest(400, "the form has no '" + name + "'");
    }
    return v;
  }

  /** A query or path value that must be a name (service, environment). */
  String name(Map<String, String> from, String key) {
    String v = from.get(key);
    if (v == null || v.isEmpty()) {
      throw new BadRequest(400, "'" + key + "' is required");
    }
    if (!Names.valid(v)) {
      throw new BadRequest(400, "'" + key + "' is not a name: letters, digits, . _ @ + - (at most 128)");
    }
    return v;
  }

  static Map<String, String> decode(String raw) {
    Map<String, String> out = new HashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new BadRequest(400, "the query or form is not URL-encoded");
      }
    }
    return out;
  }

  void html(int status, String html) throws IOException {
    send(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  void send(int status, String type, byte[] bytes) throws IOException {
    var h = exchange.getResponseHeaders();
    h.set("Content-Type", type);
    securityHeaders(h);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  static void securityHeaders(com.sun.net.httpserver.Headers h) {
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    // same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on form posts, which the origin check must refuse
    h.set("Referrer-Policy", "same-origin");
    h.set("X-Frame-Options", "DENY");
    if (!h.containsKey("Cache-Control")) {
      h.set("Cache-Control", "no-store");
    }
  }

  void redirect(String location) throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    send(303, "text/plain; charset=utf-8", new byte[0]);
  }

  /** A request the dashboard refuses before doing anything: status and a message for the page. */
  static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }
}
