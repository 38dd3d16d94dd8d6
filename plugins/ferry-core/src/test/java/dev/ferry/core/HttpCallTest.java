package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deadlines, body caps and redirects of {@link HttpCall}, against real loopback servers on two ports. */
class HttpCallTest {

  static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  HostileHttpServer api;
  HostileHttpServer elsewhere;

  @BeforeEach
  void start() throws Exception {
    api = new HostileHttpServer();
    elsewhere = new HostileHttpServer().answer("/", 200, "{\"stolen\":true}");
  }

  @AfterEach
  void stop() {
    api.close();
    elsewhere.close();
  }

  static HttpRequest authenticated(URI uri) {
    return HttpRequest.newBuilder(uri).header("Authorization", "Bearer s3cret-token").GET().build();
  }

  @Test
  void anAuthenticatedCallIsNotRedirectedToAnotherPort() {
    api.redirect("/api", elsewhere.url("/collect"));
    assertThatThrownBy(() -> HttpCall.send(CLIENT, authenticated(api.url("/api")), Duration.ofSeconds(5),
        HttpCall.MAX_BODY, HttpCall.Redirects.SAME_ORIGIN_WITH_CREDENTIALS))
        .isInstanceOf(HttpCall.Stopped.class)
        .hasMessageContaining("redirected to another origin, " + HttpCall.origin(elsewhere.url("/")))
        .hasMessageNotContaining("s3cret");
    assertThat(elsewhere.authorizations).isEmpty();
  }

  @Test
  void aRedirectOnTheSameOriginKeepsTheCredentials() throws Exception {
    api.redirect("/old", api.url("/new")).answer("/new", 200, "{\"ok\":true}");
    HttpCall.Answer a = HttpCall.send(CLIENT, authenticated(api.url("/old")), Duration.ofSeconds(5),
        HttpCall.MAX_BODY, HttpCall.Redirects.SAME_ORIGIN_WITH_CREDENTIALS);
    assertThat(a.text()).isEqualTo("{\"ok\":true}");
    assertThat(api.authorizations).containsExactly("Bearer s3cret-token", "Bearer s3cret-token");
  }

  @Test
  void aDownloadRedirectedToStorageElsewhereIsFollowedWithoutTheCredentials() throws Exception {
    api.redirect("/blob", elsewhere.url("/signed"));
    HttpCall.Answer a = HttpCall.send(CLIENT, authenticated(api.url("/blob")), Duration.ofSeconds(5),
        HttpCall.MAX_BODY, HttpCall.Redirects.OTHER_ORIGIN_WITHOUT_CREDENTIALS);
    assertThat(a.status()).isEqualTo(200);
    assertThat(elsewhere.authorizations).containsExactly("(none)");
  }

  @Test
  void aTrickledBodyEndsAtTheDeadline() {
    api.trickle("/slow");
    // the headers come at once: the JDK's request timeout alone would wait two minutes for the body
    assertThatThrownBy(() -> HttpCall.send(CLIENT, HttpRequest.newBuilder(api.url("/slow"))
        .timeout(Duration.ofMinutes(5)).build(), Duration.ofSeconds(3), HttpCall.MAX_BODY,
        HttpCall.Redirects.SAME_ORIGIN_WITH_CREDENTIALS))
        .isInstanceOf(HttpTimeoutException.class)
        .hasMessage("no complete answer within 3s");
  }

  @Test
  void anEndlessBodyIsCutAtTheCap() {
    api.endless("/big");
    assertThatThrownBy(() -> HttpCall.send(CLIENT, HttpRequest.newBuilder(api.url("/big")).build(),
        Duration.ofMinutes(1), 1024 * 1024, HttpCall.Redirects.SAME_ORIGIN_WITH_CREDENTIALS))
        .isInstanceOf(HttpCall.Stopped.class)
        .hasMessage("the answer is larger than 1 MB; Ferry stopped reading it");
  }

  @Test
  void anEndlessDownloadToAFileIsCutAtItsCap(@TempDir Path dir) {
    api.endless("/layer");
    Path file = dir.resolve("layer");
    assertThatThrownBy(() -> HttpCall.sendToFile(CLIENT, HttpRequest.newBuilder(api.url("/layer")).build(),
        Duration.ofMinutes(1), file, 2 * 1024 * 1024, HttpCall.Redirects.OTHER_ORIGIN_WITHOUT_CREDENTIALS))
        .isInstanceOf(HttpCall.Stopped.class)
        .hasMessage("the answer is larger than 2 MB; Ferry stopped reading it");
    assertThat(file.toFile().length()).isLessThanOrEqualTo(2 * 1024 * 1024);
  }

  @Test
  void originsCompareSchemeHostAndPort() {
    assertThat(HttpCall.sameOrigin(URI.create("https://a.example/x"), URI.create("https://a.example:443/y"))).isTrue();
    assertThat(HttpCall.sameOrigin(URI.create("https://a.example/x"), URI.create("http://a.example:443/y"))).isFalse();
    assertThat(HttpCall.sameOrigin(URI.create("http://127.0.0.1:80/x"), URI.create("http://127.0.0.1:81/"))).isFalse();
  }
}
