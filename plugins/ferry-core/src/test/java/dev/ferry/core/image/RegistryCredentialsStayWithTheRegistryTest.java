package dev.ferry.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import dev.ferry.core.HostileHttpServer;
import dev.ferry.core.RefusedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the registry credentials go, against two HTTP fakes of the distribution API on two loopback
 * ports: the registry, and a token service or blob store on "another host". The Debian registry
 * cannot name a token realm or redirect blobs elsewhere without a separate token server.
 */
class RegistryCredentialsStayWithTheRegistryTest {

  static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + RegistryClient.OCI_MANIFEST
      + "\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
      + "a".repeat(64) + "\",\"size\":2},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
  static final byte[] BLOB = "layer bytes".getBytes(StandardCharsets.UTF_8);
  static final String BASIC = "Basic " + Base64.getEncoder().encodeToString("ci:reg-s3cret".getBytes(StandardCharsets.UTF_8));

  HostileHttpServer registry;
  HostileHttpServer other;
  String host;
  String otherHost;
  volatile boolean anonymousTokens;

  @BeforeEach
  void start() throws IOException {
    registry = new HostileHttpServer();
    other = new HostileHttpServer();
    host = registry.url("").getAuthority();
    otherHost = other.url("").getAuthority();
    other.handle("/token", ex -> {
      boolean ok = anonymousTokens || BASIC.equals(ex.getRequestHeaders().getFirst("Authorization"));
      send(ex, ok ? 200 : 401, ok ? "{\"token\":\"tok\"}".getBytes(StandardCharsets.UTF_8) : new byte[0]);
    });
    other.handle("/signed", ex -> send(ex, 200, BLOB));
    registry.handle("/v2/shop/web/manifests/", ex -> {
      if (!"Bearer tok".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + otherHost
            + "/token\",service=\"reg\"");
        send(ex, 401, new byte[0]);
        return;
      }
      ex.getResponseHeaders().add("Content-Type", RegistryClient.OCI_MANIFEST);
      send(ex, 200, MANIFEST);
    });
    registry.handle("/v2/shop/api/blobs/", ex -> {
      if (!BASIC.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"reg\"");
        send(ex, 401, new byte[0]);
        return;
      }
      ex.getResponseHeaders().add("Location", other.url("/signed").toString());
      send(ex, 307, new byte[0]);
    });
  }

  static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
    ex.close();
  }

  @AfterEach
  void stop() {
    registry.close();
    other.close();
  }

  RegistryClient client(RegistryAccess access) {
    return new RegistryClient(access, Duration.ofSeconds(5), Duration.ofMillis(10));
  }

  @Test
  void aTokenRealmOnAnotherHostDoesNotGetTheCredentials() {
    RegistryClient c = client(RegistryAccess.anonymous().withHost(host, true, "ci", "reg-s3cret"));
    assertThatThrownBy(() -> c.manifest(ImageRef.parse(host + "/shop/web:1.0")))
        .isInstanceOf(RefusedException.class)
        .hasMessage("registry " + host + " sends clients to the token service at http://" + otherHost
            + ", another host, which refused an anonymous token; Ferry sends the registry's credentials only"
            + " to the registry itself")
        .satisfies(e -> assertThat(((RefusedException) e).suggestion().orElseThrow())
            .contains(RegistryAccess.HOST_ENV));
    assertThat(other.authorizations).containsExactly("(none)");
  }

  @Test
  void aPublicImageStillGetsAnAnonymousTokenFromAnotherHost() {
    anonymousTokens = true;
    RegistryClient c = client(RegistryAccess.anonymous().withHost(host, true, "ci", "reg-s3cret"));
    assertThat(c.manifest(ImageRef.parse(host + "/shop/web:1.0")).digest()).isEqualTo(RegistryClient.sha256(MANIFEST));
    assertThat(other.authorizations).containsExactly("(none)");
  }

  @Test
  void aTokenServiceConfiguredWithTheSameCredentialsGetsThem() {
    RegistryClient c = client(RegistryAccess.anonymous().withHost(host, true, "ci", "reg-s3cret")
        .withHost(otherHost, true, "ci", "reg-s3cret"));
    assertThat(c.manifest(ImageRef.parse(host + "/shop/web:1.0")).digest()).isEqualTo(RegistryClient.sha256(MANIFEST));
    assertThat(other.authorizations).containsExactly(BASIC);
  }

  @Test
  void aBlobRedirectedToAnotherPortIsFetchedWithoutTheCredentials(@TempDir Path dir) throws IOException {
    RegistryClient c = client(RegistryAccess.anonymous().withHost(host, true, "ci", "reg-s3cret"));
    String digest = RegistryClient.sha256(BLOB);
    Path file = c.blobToFile(ImageRef.parse(host + "/shop/api:1.0"), digest, dir.resolve("blob"));
    assertThat(java.nio.file.Files.readAllBytes(file)).isEqualTo(BLOB);
    assertThat(registry.authorizations).containsExactly("(none)", BASIC);
    assertThat(other.authorizations).containsExactly("(none)");
  }
}
