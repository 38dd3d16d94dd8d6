package dev.ferry.core.gate;

import dev.ferry.core.Durations;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** The HTTP client the gates share: short timeouts, and certificate checks off only when asked. */
final class Http {

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private static final HttpClient SECURE = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
      .followRedirects(HttpClient.Redirect.NORMAL).build();

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
          .followRedirects(HttpClient.Redirect.NORMAL).build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("TLS is not available", e);
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
