package dev.ferry.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.ExternalException;
import dev.ferry.core.RefusedException;
import dev.ferry.testing.LocalRegistry;
import dev.ferry.testing.ServerProcess;
import dev.ferry.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Against the real registry (Debian docker-registry) on loopback, open and behind basic auth. */
class RegistryClientTest {

  @TempDir
  static Path dir;
  static LocalRegistry open;
  static LocalRegistry locked;
  static TestImages.Pushed web;

  @BeforeAll
  static void start() throws Exception {
    open = LocalRegistry.start(dir.resolve("open"));
    locked = LocalRegistry.start(dir.resolve("locked"),
        LocalRegistry.htpasswd(java.nio.file.Files.createDirectories(dir.resolve("auth")), "ci", "s3cret-pass"));
    web = TestImages.image().file("app/hello.txt", "hello\n").user("1000").label("team", "shop")
        .pushDetailed(open.host(), "shop/web", "1.4.2", null, null);
    TestImages.image().file("app/hello.txt", "locked\n")
        .push(locked.host(), "shop/api", "2.0", "ci", "s3cret-pass");
  }

  @AfterAll
  static void stop() {
    open.close();
    locked.close();
  }

  private static RegistryClient client(RegistryAccess access) {
    return new RegistryClient(access, Duration.ofSeconds(5), Duration.ofMillis(10));
  }

  @Test
  void resolvesTheDigestOfAPushedTag() {
    String digest = client(RegistryAccess.anonymous()).resolveDigest(ImageRef.parse(open.host() + "/shop/web:1.4.2"));
    assertThat(digest).isEqualTo(web.digest());
  }

  @Test
  void readsTheManifestAndVerifiesItsDigest() {
    RegistryClient.Manifest m = client(RegistryAccess.anonymous()).manifest(ImageRef.parse(open.host() + "/shop/web:1.4.2"));
    assertThat(m.digest()).isEqualTo(web.digest());
    assertThat(RegistryClient.sha256(m.body())).isEqualTo(web.digest());
    assertThat(m.mediaType()).isEqualTo(RegistryClient.OCI_MANIFEST);
    assertThat(m.isIndex()).isFalse();
    assertThat(m.json().path("config").path("digest").asText()).isEqualTo(web.configDigest());
  }

  @Test
  void readsAManifestByDigest() {
    ImageRef ref = ImageRef.parse(open.host() + "/shop/web@" + web.digest());
    RegistryClient registry = client(RegistryAccess.anonymous());
    assertThat(registry.resolveDigest(ref)).isEqualTo(web.digest());
    assertThat(registry.imageManifest(ref, "linux", "amd64").digest()).isEqualTo(web.digest());
  }

  @Test
  void readsTheConfigBlob() throws Exception {
    ImageRef ref = ImageRef.parse(open.host() + "/shop/web:1.4.2");
    byte[] config = client(RegistryAccess.anonymous()).blob(ref, web.configDigest());
    JsonNode json = new ObjectMapper().readTree(config);
    assertThat(json.path("config").path("User").asText()).isEqualTo("1000");
    assertThat(json.path("config").path("Labels").path("team").asText()).isEqualTo("shop");
  }

  @Test
  void streamsALayerToAFileAndVerifiesIt() throws Exception {
    ImageRef ref = ImageRef.parse(open.host() + "/shop/web:1.4.2");
    java.nio.file.Path file = dir.resolve("layer.tar.gz");
    String layer = web.layerDigests().get(0);
    client(RegistryAccess.anonymous()).blobToFile(ref, layer, file);
    assertThat(RegistryClient.sha256(java.nio.file.Files.readAllBytes(file))).isEqualTo(layer);
    assertThatThrownBy(() -> client(RegistryAccess.anonymous()).blobToFile(ref, "sha256:" + "1".repeat(64),
        dir.resolve("missing.blob")))
        .isInstanceOf(RefusedException.class)
        .hasMessage("blob sha256:" + "1".repeat(64) + " of " + open.host() + "/shop/web does not exist");
  }

  @Test
  void anIndexResolvesToItsOwnDigestAndToThePlatformsManifest() {
    TestImages.Pushed arm = TestImages.image().file("arch", "arm64").architecture("arm64")
        .pushDetailed(open.host(), "shop/multi", "arm64", null, null);
    TestImages.Pushed amd = TestImages.image().file("arch", "amd64")
        .pushDetailed(open.host(), "shop/multi", "amd64", null, null);
    String index = TestImages.pushIndex(open.host(), "shop/multi", "2.0",
        new java.util.LinkedHashMap<>(java.util.Map.of("linux/arm64", arm, "linux/amd64", amd)));
    ImageRef ref = ImageRef.parse(open.host() + "/shop/multi:2.0");
    RegistryClient registry = client(RegistryAccess.anonymous());
    assertThat(registry.resolveDigest(ref)).isEqualTo(index);
    assertThat(registry.manifest(ref).isIndex()).isTrue();
    assertThat(registry.imageManifest(ref, "linux", "arm64").digest()).isEqualTo(arm.digest());
    assertThat(registry.imageManifest(ref, "linux", "amd64").digest()).isEqualTo(amd.digest());
    assertThatThrownBy(() -> registry.imageManifest(ref, "linux", "s390x"))
        .isInstanceOf(RefusedException.class)
        .hasMessage("image " + ref + " has no manifest for linux/s390x");
  }

  @Test
  void anUnknownTagDoesNotExist() {
    ImageRef ref = ImageRef.parse(open.host() + "/shop/web:9.9.9");
    assertThatThrownBy(() -> client(RegistryAccess.anonymous()).resolveDigest(ref))
        .isInstanceOf(RefusedException.class)
        .hasMessage("image " + open.host() + "/shop/web:9.9.9 does not exist");
  }

  @Test
  void anUnknownRepositoryDoesNotExist() {
    ImageRef ref = ImageRef.parse(open.host() + "/shop/nothing:1");
    assertThatThrownBy(() -> client(RegistryAccess.anonymous()).manifest(ref))
        .isInstanceOf(RefusedException.class)
        .hasMessage("image " + open.host() + "/shop/nothing:1 does not exist");
  }

  @Test
  void anUnknownBlobDoesNotExist() {
    ImageRef ref = ImageRef.parse(open.host() + "/shop/web:1.4.2");
    String missing = "sha256:" + "0".repeat(64);
    assertThatThrownBy(() -> client(RegistryAccess.anonymous()).blob(ref, missing))
        .isInstanceOf(RefusedException.class)
        .hasMessageContaining("blob " + missing);
  }

  @Test
  void sendsBasicCredentialsWhenTheRegistryChallenges() {
    RegistryAccess access = RegistryAccess.anonymous().withHost(locked.host(), true, "ci", "s3cret-pass");
    ImageRef ref = ImageRef.parse(locked.host() + "/shop/api:2.0");
    RegistryClient registry = client(access);
    String digest = registry.resolveDigest(ref);
    assertThat(digest).startsWith("sha256:");
    String config = registry.manifest(ref).json().path("config").path("digest").asText();
    assertThat(registry.blob(ref, config)).isNotEmpty();
  }

  @Test
  void takesCredentialsFromTheEnvironment() {
    RegistryAccess access = RegistryAccess.fromEnvironment(java.util.Map.of(
        "HOME", dir.resolve("nohome").toString(),
        RegistryAccess.USER_ENV, "ci", RegistryAccess.PASSWORD_ENV, "s3cret-pass", RegistryAccess.HOST_ENV, locked.host()));
    assertThat(client(access).resolveDigest(ImageRef.parse(locked.host() + "/shop/api:2.0"))).startsWith("sha256:");
  }

  @Test
  void withoutCredentialsALockedRegistryNamesTheVariablesToSet() {
    ImageRef ref = ImageRef.parse(locked.host() + "/shop/api:2.0");
    assertThatThrownBy(() -> client(RegistryAccess.anonymous()).resolveDigest(ref))
        .isInstanceOf(RefusedException.class)
        .hasMessage("registry " + locked.host() + " requires credentials for image " + ref)
        .satisfies(e -> assertThat(((RefusedException) e).suggestion()).get().asString()
            .contains("FERRY_REGISTRY_USER").contains("FERRY_REGISTRY_PASSWORD"));
  }

  @Test
  void wrongCredentialsAreRefusedWithoutShowingThem() {
    RegistryAccess access = RegistryAccess.anonymous().withHost(locked.host(), true, "ci", "wrong-pass");
    ImageRef ref = ImageRef.parse(locked.host() + "/shop/api:2.0");
    assertThatThrownBy(() -> client(access).resolveDigest(ref))
        .isInstanceOf(RefusedException.class)
        .hasMessageContaining("refused the credentials")
        .satisfies(e -> {
          assertThat(e.getMessage()).doesNotContain("wrong-pass");
          assertThat(((RefusedException) e).suggestion().orElseThrow()).doesNotContain("wrong-pass");
        });
  }

  @Test
  void anUnreachableRegistryIsAnExternalFailureAfterRetries() {
    String host = "127.0.0.1:" + ServerProcess.freePort();
    ImageRef ref = ImageRef.parse(host + "/shop/web:1");
    assertThatThrownBy(() -> client(RegistryAccess.anonymous()).resolveDigest(ref))
        .isInstanceOf(ExternalException.class)
        .hasMessageContaining("registry " + host + " could not be reached at http://" + host + "/v2/shop/web/manifests/1")
        .hasMessageContaining("after 4 attempts")
        .satisfies(e -> assertThat(((ExternalException) e).exitCode()).isEqualTo(3));
  }

  @Test
  void aSecureRegistryIsReachedOverHttpsOnly() {
    // the open registry speaks plain HTTP; marked secure (a non-loopback name), Ferry must not fall back
    RegistryAccess access = RegistryAccess.anonymous();
    assertThat(access.baseUrl("registry.example.com")).isEqualTo("https://registry.example.com");
    assertThat(access.baseUrl("docker.io")).isEqualTo("https://registry-1.docker.io");
    assertThat(access.baseUrl(open.host())).isEqualTo("http://" + open.host());
  }
}
