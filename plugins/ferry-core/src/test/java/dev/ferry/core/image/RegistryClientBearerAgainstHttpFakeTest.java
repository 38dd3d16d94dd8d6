package dev.ferry.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.RefusedException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Bearer token flow of the distribution spec, against an HTTP fake: the Debian registry only
 * offers token auth with a separate token server and certificates, which a test cannot set up
 * cheaply. The fake answers as the documented flow does (401 challenge, token endpoint, retry).
 */
class RegistryClientBearerAgainstHttpFakeTest {

  private static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST
      + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
      + "a".repeat(64) + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
  private static final String DIGEST = RegistryClient.sha256(MANIFEST);

  private HttpServer server;
  private String host;
  private final List<String> tokenRequests = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    host = "127.0.0.1:" + server.getAddress().getPort();
    String basic = "Basic " + Base64.getEncoder().encodeToString("ci:pw".getBytes(StandardCharsets.UTF_8));
    server.createContext("/token", ex -> {
      tokenRequests.add(ex.getRequestURI().getRawQuery());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      byte[] body = "{\"token\":\"tok123\",\"expires_in\":300}".getBytes(StandardCharsets.UTF_8);
      if (!basic.equals(auth)) {
        ex.sendResponseHeaders(401, -1);
        ex.close();
        return;
      }
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.createContext("/v2/", ex -> {
      if (!"Bearer tok123".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host
            + "/token\",service=\"fake-registry\",scope=\"repository:shop/web:pull\"");
        ex.sendResponseHeaders(401, -1);
        ex.close();
        return;
      }
      if (!ex.getRequestURI().getPath().equals("/v2/shop/web/manifests/1.0")) {
        ex.sendResponseHeaders(404, -1);
        ex.close();
        return;
      }
      ex.getResponseHeaders().add("Content-Type", RegistryClient.OCI_MANIFEST);
      ex.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(200, head ? -1 : MANIFEST.length);
      if (!head) {
        ex.getResponseBody().write(MANIFEST);
      }
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private RegistryClient client(String user, String password) {
    return new RegistryClient(RegistryAccess.anonymous().withHost(host, true, user, password),
        Duration.ofSeconds(5), Duration.ofMillis(10));
  }

  @Test
  void fetchesATokenForTheRepositoryScopeAndRetries() {
    RegistryClient registry = client("ci", "pw");
    assertThat(registry.resolveDigest(ImageRef.parse(host + "/shop/web:1.0"))).isEqualTo(DIGEST);
    assertThat(registry.manifest(ImageRef.parse(host + "/shop/web:1.0")).digest()).isEqualTo(DIGEST);
    assertThat(tokenRequests).hasSize(1); // the token is reused for the same repository
    assertThat(tokenRequests.get(0)).contains("scope=repository%3Ashop%2Fweb%3Apull").contains("service=fake-registry");
  }

  @Test
  void aRefusedTokenRequestNamesTheVariablesWithoutTheSecret() {
    assertThatThrownBy(() -> client("ci", "nope-secret").resolveDigest(ImageRef.parse(host + "/shop/web:1.0")))
        .isInstanceOf(RefusedException.class)
        .hasMessage("registry " + host + " refused the credentials for image " + host + "/shop/web:1.0")
        .satisfies(e -> assertThat(((RefusedException) e).suggestion().orElseThrow())
            .contains("FERRY_REGISTRY_USER").doesNotContain("nope-secret"));
  }
}
