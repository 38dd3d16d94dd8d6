package dev.ferry.core.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.Durations;
import dev.ferry.core.HttpCall;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The HTTP client the gates share: short timeouts, and certificate checks off only when asked.
 * Every call goes through {@link #send}: the timeout bounds the whole answer, the body is capped,
 * and a request carrying credentials is never redirected to another origin ({@link HttpCall}).
 */
final class Http {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /**
   * The mapper the gates read answers with. Made on first use, not when a gate class loads: the
   * config's validation loads every gate class, and a promotion without gates would otherwise pay
   * for the {@code ObjectMapper} class (its default date format loads the locale data).
   */
  static ObjectMapper json() {
    return Json.MAPPER;
  }

  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  // redirects are followed by HttpCall, which keeps credentials on their origin
  private static final HttpClient SECURE = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NEVER).build();

  private Http() {
  }

  static HttpClient client(boolean insecure) {
    if (!insecure) {
      return SECURE;
    }
    try {
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new TrustManager[] {new TrustAll()}, null);
      return HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).sslContext(ssl)
          .followRedirects(HttpClient.Redirect.NEVER).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available", e);
    }
  }

  /**
   * Sends {@code request}; the whole exchange ends within {@code timeout} (the request's own
   * timeout, when set, is ignored in favour of it), the body is at most {@link HttpCall#MAX_BODY}.
   */
  static HttpResponse<String> send(HttpClient client, HttpRequest request, Duration timeout)
      throws IOException, InterruptedException {
    HttpCall.Answer a = HttpCall.send(client, request, timeout, HttpCall.MAX_BODY,
        HttpCall.Redirects.SAME_ORIGIN_WITH_CREDENTIALS);
    return new Answered(a, request);
  }

  static HttpResponse<String> send(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
    return send(client, request, request.timeout().orElse(REQUEST_TIMEOUT));
  }

  /** An {@link HttpCall.Answer} in the JDK's response type, which the gates read. */
  private record Answered(HttpCall.Answer answer, HttpRequest request) implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return answer.status();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return answer.headers();
    }

    @Override
    public String body() {
      return answer.text();
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return answer.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }

  /** A short description of a transport failure, without the stack. */
  static String describe(IOException e) {
    return describe(e, REQUEST_TIMEOUT);
  }

  static String describe(IOException e, Duration timeout) {
    if (e instanceof HttpTimeoutException) {
      return "no answer within " + Durations.format(timeout);
    }
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Accepts any certificate and any host name: for {@code insecure: true} only, e.g. an Argo CD
   * with its self-signed default certificate. An extended manager also replaces host name checks.
   */
  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
