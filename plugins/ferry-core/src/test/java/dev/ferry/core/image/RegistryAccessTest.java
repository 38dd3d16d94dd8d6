package dev.ferry.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.InputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RegistryAccessTest {

  @TempDir
  Path home;

  private Map<String, String> env(String... pairs) {
    java.util.HashMap<String, String> m = new java.util.HashMap<>();
    m.put("HOME", home.toString());
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private void dockerConfig(String json) throws Exception {
    Files.createDirectories(home.resolve(".docker"));
    Files.writeString(home.resolve(".docker/config.json"), json);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsPerHostCredentialsFromTheDockerConfig() throws Exception {
    dockerConfig("{\"auths\":{\"registry.example.com\":{\"auth\":\"" + b64("robot:tok:en") + "\"},"
        + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hub:pw") + "\"}}}");
    RegistryAccess access = RegistryAccess.fromEnvironment(env());
    assertThat(access.credentials("registry.example.com")).get()
        .isEqualTo(new RegistryAccess.Credentials("robot", "tok:en"));
    assertThat(access.credentials("docker.io").orElseThrow().user()).isEqualTo("hub");
    assertThat(access.credentials("other.example.com")).isEmpty();
  }

  @Test
  void environmentCredentialsWithoutTheirHostAreRefusedNotSentToAnyRegistry() throws Exception {
    dockerConfig("{\"auths\":{\"registry.example.com\":{\"auth\":\"" + b64("robot:x") + "\"}}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RegistryAccess.fromEnvironment(env(
        "FERRY_REGISTRY_USER", "ci", "FERRY_REGISTRY_PASSWORD", "pw")))
        .isInstanceOf(dev.ferry.core.InputException.class)
        .hasMessageContaining("without FERRY_REGISTRY_HOST").hasMessageNotContaining("pw");
    RegistryAccess access = RegistryAccess.fromEnvironment(env(
        "FERRY_REGISTRY_USER", "ci", "FERRY_REGISTRY_PASSWORD", "pw", "FERRY_REGISTRY_HOST", "other.example.com"));
    assertThat(access.credentials("registry.example.com").orElseThrow().user()).isEqualTo("robot");
    assertThat(access.credentials("other.example.com").orElseThrow().user()).isEqualTo("ci");
  }

  @Test
  void environmentCredentialsCanBeLimitedToNamedHosts() {
    RegistryAccess access = RegistryAccess.fromEnvironment(env(
        "FERRY_REGISTRY_USER", "ci", "FERRY_REGISTRY_PASSWORD", "pw",
        "FERRY_REGISTRY_HOST", "registry.example.com, registry.internal:5000",
        "FERRY_INSECURE_REGISTRIES", "registry.internal:5000"));
    assertThat(access.credentials("registry.example.com").orElseThrow().user()).isEqualTo("ci");
    assertThat(access.credentials("registry.internal:5000").orElseThrow().user()).isEqualTo("ci");
    assertThat(access.insecure("registry.internal:5000")).isTrue();
    assertThat(access.credentials("docker.io")).isEmpty();
  }

  @Test
  void aMalformedDockerConfigIsBadInput() throws Exception {
    dockerConfig("{not json");
    assertThatThrownBy(() -> RegistryAccess.fromEnvironment(env()))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(home.resolve(".docker/config.json").toString());
  }

  @Test
  void aDockerConfigAuthThatIsNotUserColonPasswordIsBadInputWithoutShowingIt() throws Exception {
    dockerConfig("{\"auths\":{\"r.example.com\":{\"auth\":\"" + b64("nocolon") + "\"}}}");
    assertThatThrownBy(() -> RegistryAccess.fromEnvironment(env()))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("r.example.com")
        .hasMessageNotContaining("nocolon");
  }

  @ParameterizedTest
  @CsvSource({
      "127.0.0.1:5000, true",
      "localhost:5000, true",
      "localhost, true",
      "[::1]:5000, true",
      "registry.example.com, false",
      "registry.internal:5000, true",
      "REGISTRY.INTERNAL:5000, true",
      "10.0.0.1:5000, false",
  })
  void plainHttpOnlyForLoopbackAndListedHosts(String host, boolean insecure) {
    RegistryAccess access = RegistryAccess.fromEnvironment(env(
        "FERRY_INSECURE_REGISTRIES", "registry.internal:5000, other:1"));
    assertThat(access.insecure(host)).isEqualTo(insecure);
    assertThat(access.baseUrl(host)).startsWith(insecure ? "http://" : "https://");
  }

  @Test
  void withHostOverridesOneHost() {
    RegistryAccess access = RegistryAccess.anonymous().withHost("Reg.Example.com:443", false, "u", "p");
    assertThat(access.credentials("reg.example.com:443").orElseThrow().secret()).isEqualTo("p");
    assertThat(access.insecure("reg.example.com:443")).isFalse();
    assertThat(access.withInsecure("reg.example.com:443").insecure("reg.example.com:443")).isTrue();
    assertThat(access.withInsecure("reg.example.com:443").credentials("reg.example.com:443")).isPresent();
  }

  @Test
  void secretsNeverAppearInToString() {
    RegistryAccess access = RegistryAccess.fromEnvironment(env(
        "FERRY_REGISTRY_USER", "ci", "FERRY_REGISTRY_PASSWORD", "hunter2", "FERRY_REGISTRY_HOST", "q.example.com"))
        .withHost("r.example.com", false, "u", "topsecret");
    assertThat(access.toString()).doesNotContain("hunter2").doesNotContain("topsecret");
    assertThat(access.credentials("r.example.com").orElseThrow().toString()).doesNotContain("topsecret");
  }
}
