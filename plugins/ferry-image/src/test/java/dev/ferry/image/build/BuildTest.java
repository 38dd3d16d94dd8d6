package dev.ferry.image.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.ExternalException;
import dev.ferry.core.InputException;
import dev.ferry.core.image.ImageRef;
import dev.ferry.core.image.RegistryAccess;
import dev.ferry.core.image.RegistryClient;
import dev.ferry.image.test.ImageContents;
import dev.ferry.image.test.ImageFile;
import dev.ferry.testing.LocalRegistry;
import dev.ferry.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real buildah and jib-core pushing to the real registry on loopback; the digest checked with it. */
class BuildTest {

  @TempDir
  static Path dir;
  static LocalRegistry registry;
  static RegistryClient client;
  static String baseImage;

  @BeforeAll
  static void start() throws Exception {
    registry = LocalRegistry.start(dir.resolve("registry"));
    client = new RegistryClient(RegistryAccess.anonymous());
    baseImage = registry.host() + "/base/runtime:1";
    TestImages.image()
        .directory("etc", 0755)
        .file("etc/os-release", "ID=ferry-test\n")
        .user("10001")
        .env("PATH", "/usr/bin:/bin")
        .push(registry.host(), "base/runtime", "1");
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  static Map<String, String> environment() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("STORAGE_DRIVER", "vfs");
    env.put("BUILDAH_ISOLATION", "chroot");
    env.put("FERRY_CACHE", dir.resolve("cache").toString());
    env.put("GIT_URL", "https://bot:secret-token@git.example.com/shop/web.git");
    env.put("GIT_COMMIT", "3f2a9c1d");
    return env;
  }

  private static ImageContents read(String image, String... withContent) {
    return ImageContents.read(client, ImageRef.parse(image), "linux", "amd64", Set.of(withContent));
  }

  @Test
  void buildahBuildsAScratchDockerfileAndPushesIt() throws Exception {
    Path context = Files.createDirectories(dir.resolve("scratch-ctx"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    Files.writeString(context.resolve("hello.txt"), "hello from buildah\n");
    BuildResult r = new Build()
        .context(context)
        .image(ImageRef.parse(registry.host() + "/shop/web:1.0.0"))
        .builder(Build.Builder.BUILDAH)
        .storage(dir.resolve("containers"))
        .environment(environment())
        .call();
    assertThat(r.builder()).isEqualTo("buildah");
    assertThat(r.digest()).isEqualTo(client.resolveDigest(ImageRef.parse(registry.host() + "/shop/web:1.0.0")));
    assertThat(r.image()).isEqualTo(registry.host() + "/shop/web:1.0.0@" + r.digest());
    assertThat(r.size()).isGreaterThan(100);
    ImageContents c = read(r.image(), "/hello.txt");
    assertThat(new String(c.file("/hello.txt").orElseThrow().content())).isEqualTo("hello from buildah\n");
    assertThat(c.config().path("Labels").path(OciLabels.SOURCE).asText()).isEqualTo("https://git.example.com/shop/web.git");
    assertThat(c.config().path("Labels").path(OciLabels.REVISION).asText()).isEqualTo("3f2a9c1d");
    assertThat(c.config().path("Labels").path(OciLabels.VERSION).asText()).isEqualTo("1.0.0");
    assertThat(c.config().toString()).doesNotContain("secret-token");
  }

  @Test
  void buildahBuildsOnABaseImageFromAnInsecureLoopbackRegistry() throws Exception {
    Path context = Files.createDirectories(dir.resolve("base-ctx"));
    Files.writeString(context.resolve("Containerfile"), "FROM " + baseImage + "\nCOPY app.txt /app/app.txt\n");
    Files.writeString(context.resolve("app.txt"), "app\n");
    BuildResult r = new Build()
        .context(context)
        .dockerfile(context.resolve("Containerfile"))
        .image(ImageRef.parse(registry.host() + "/shop/api:2.0"))
        .builder(Build.Builder.BUILDAH)
        .storage(dir.resolve("containers"))
        .environment(environment())
        .call();
    ImageContents c = read(r.image());
    assertThat(c.files()).containsKeys("/etc/os-release", "/app/app.txt");
    assertThat(c.config().path("User").asText()).isEqualTo("10001");
  }

  @Test
  void aFailingBuildQuotesTheBuildersError() throws Exception {
    Path context = Files.createDirectories(dir.resolve("broken-ctx"));
    Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY missing.txt /x\n");
    assertThatThrownBy(() -> new Build().context(context)
        .image(ImageRef.parse(registry.host() + "/shop/broken:1"))
        .builder(Build.Builder.BUILDAH).storage(dir.resolve("containers")).environment(environment()).call())
        .isInstanceOf(ExternalException.class)
        .hasMessageContaining("buildah build of " + registry.host() + "/shop/broken:1 failed")
        .hasMessageContaining("missing.txt");
  }

  @Test
  void jibBuildsAFolderOnScratchWithoutAnEngine() throws Exception {
    Path context = Files.createDirectories(dir.resolve("jib-ctx"));
    Files.writeString(context.resolve("run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(context.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(context.resolve("conf"));
    Files.writeString(context.resolve("conf/app.yaml"), "port: 8080\n");
    BuildResult r = new Build()
        .context(context)
        .image(ImageRef.parse(registry.host() + "/shop/jib:1.2.3"))
        .builder(Build.Builder.JIB)
        .entrypoint(List.of("/app/run.sh"))
        .user("10001")
        .exposedPort("8080")
        .environment(environment())
        .call();
    assertThat(r.builder()).isEqualTo("jib");
    assertThat(r.digest()).isEqualTo(client.resolveDigest(ImageRef.parse(registry.host() + "/shop/jib:1.2.3")));
    ImageContents c = read(r.image(), "/app/conf/app.yaml");
    assertThat(c.file("/app/run.sh").map(ImageFile::permissions)).contains("-rwxr-xr-x");
    assertThat(new String(c.file("/app/conf/app.yaml").orElseThrow().content())).isEqualTo("port: 8080\n");
    assertThat(c.config().path("Entrypoint").get(0).asText()).isEqualTo("/app/run.sh");
    assertThat(c.config().path("User").asText()).isEqualTo("10001");
    assertThat(c.config().path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(c.config().path("Labels").path(OciLabels.REVISION).asText()).isEqualTo("3f2a9c1d");
  }

  @Test
  void jibPutsAJarOnABaseImage() throws Exception {
    Path jar = dir.resolve("shop.jar");
    Files.write(jar, new byte[] {'P', 'K', 3, 4});
    BuildResult r = new Build()
        .image(ImageRef.parse(registry.host() + "/shop/jar:1"))
        .builder(Build.Builder.JIB)
        .from(baseImage)
        .jar(jar)
        .environment(environment())
        .call();
    ImageContents c = read(r.image());
    assertThat(c.files()).containsKeys("/etc/os-release", "/app/shop.jar");
    assertThat(c.config().path("Entrypoint").toString()).isEqualTo("[\"java\",\"-jar\",\"/app/shop.jar\"]");
  }

  @Test
  void aMissingDockerfileIsBadInput() throws Exception {
    Path context = Files.createDirectories(dir.resolve("empty-ctx"));
    assertThatThrownBy(() -> new Build().context(context).image(ImageRef.parse(registry.host() + "/shop/x:1"))
        .builder(Build.Builder.BUILDAH).environment(environment()).call())
        .isInstanceOf(InputException.class)
        .hasMessage("no Dockerfile at " + context.resolve("Dockerfile"));
  }

  @Test
  void withoutAnEngineOnPathTheErrorSuggestsJib() {
    Map<String, String> env = environment();
    env.put("PATH", dir.resolve("nothing-here").toString());
    assertThatThrownBy(() -> new Build().context(dir).image(ImageRef.parse(registry.host() + "/shop/x:1"))
        .environment(env).call())
        .isInstanceOf(InputException.class)
        .hasMessageContaining("no container engine found")
        .satisfies(e -> assertThat(((InputException) e).suggestion().orElseThrow()).contains("--builder jib"));
  }

  @Test
  void aDigestInTheTargetIsBadInput() {
    assertThatThrownBy(() -> new Build().image(ImageRef.parse("r.example.com/a/b@sha256:" + "0".repeat(64))).call())
        .isInstanceOf(InputException.class)
        .hasMessageContaining("names a digest");
  }
}
