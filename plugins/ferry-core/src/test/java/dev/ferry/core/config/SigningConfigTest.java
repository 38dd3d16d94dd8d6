package dev.ferry.core.config;

import static dev.ferry.core.config.ConfigLoaderTest.VALID;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code git.signing} and {@code git.trust}: read into records, refused with file:line, as the schema does. */
class SigningConfigTest {

  static String withGit(String git) {
    return VALID + "git:\n" + git;
  }

  @Test
  void readsSigningAndTrustWithPathsFromTheFilesFolder() {
    FerryConfig config = ConfigLoaderTest.parse(withGit("""
          signing: {format: ssh, keyFile: keys/ferry, passphraseEnv: FERRY_KEY_PASS}
          trust:
            allowedSigners: keys/allowed_signers
            keyring: /etc/ferry/trusted.asc
        """));
    assertThat(config.signing()).isEqualTo(new SigningConfig(SigningConfig.Format.SSH,
        Path.of("/work/project/keys/ferry"), null, null, "FERRY_KEY_PASS", config.signing().location()));
    assertThat(config.signing().location().line()).isEqualTo(17);
    assertThat(config.trust().allowedSigners()).isEqualTo(Path.of("/work/project/keys/allowed_signers"));
    assertThat(config.trust().keyring()).isEqualTo(Path.of("/etc/ferry/trusted.asc"));
  }

  @Test
  void withoutGitSettingsNothingIsSignedOrChecked() {
    FerryConfig config = ConfigLoaderTest.parse(VALID);
    assertThat(config.signing()).isNull();
    assertThat(config.trust()).isNull();
    FerryConfig fromEnv = ConfigLoaderTest.parse(withGit("  signing: {format: openpgp, keyEnv: FERRY_PGP_KEY}\n"));
    assertThat(fromEnv.signing().format()).isEqualTo(SigningConfig.Format.OPENPGP);
    assertThat(fromEnv.signing().keyEnv()).isEqualTo("FERRY_PGP_KEY");
    assertThat(fromEnv.signing().keyFile()).isNull();
    FerryConfig jenkins = ConfigLoaderTest.parse(withGit("  signing: {format: ssh, keyFileEnv: FERRY_SIGNING_KEY_FILE}\n"));
    assertThat(jenkins.signing().keyFileEnv()).isEqualTo("FERRY_SIGNING_KEY_FILE");
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("unknown format", "  signing: {format: x509, keyFile: k}\n",
            List.of("ferry.yaml:17:21: 'format' in git.signing must be one of ssh, openpgp, github, not 'x509'")),
        Arguments.of("no format", "  signing: {keyFile: k}\n",
            List.of("ferry.yaml:17:12: missing key 'format' in git.signing (one of ssh, openpgp, github)")),
        Arguments.of("no key", "  signing: {format: ssh}\n",
            List.of("ferry.yaml:17:12: git.signing needs exactly one of keyFile (a private key file), keyFileEnv"
                + " (a variable holding the key file's path) and keyEnv (a variable holding the key's text)")),
        Arguments.of("two keys", "  signing: {format: ssh, keyFile: k, keyEnv: K}\n",
            List.of("ferry.yaml:17:12: git.signing needs exactly one of keyFile (a private key file), keyFileEnv"
                + " (a variable holding the key file's path) and keyEnv (a variable holding the key's text)")),
        Arguments.of("the key pasted as a variable name is not echoed",
            "  signing: {format: ssh, keyEnv: \"-----BEGIN OPENSSH PRIVATE KEY-----\"}\n",
            List.of("ferry.yaml:17:34: 'keyEnv' in git.signing must be the name of an environment variable"
                + " (letters, digits and '_'), not the secret itself")),
        Arguments.of("unknown signing key", "  signing: {format: ssh, keyFile: k, agent: true}\n",
            List.of("ferry.yaml:17:38: unknown key 'agent' in git.signing (known: format, keyFile, keyFileEnv,"
                + " keyEnv, passphraseEnv)")),
        Arguments.of("format github with a key of Ferry's", "  signing: {format: github, keyEnv: K}\n",
            List.of("ferry.yaml:17:21: git.signing format github creates commits through the GitHub API with the"
                + " credentials of the repository's pullRequests, but env has no pullRequests with provider github;"
                + " add pullRequests: {provider: github, tokenEnv: ...} (or app: ...) to it, or use format ssh or openpgp",
                "ferry.yaml:17:37: keyEnv in git.signing does not go with format github: GitHub signs the commits"
                + " it creates with its own key; remove keyEnv")),
        Arguments.of("empty trust", "  trust: {}\n",
            List.of("ferry.yaml:17:10: git.trust needs allowedSigners (an ssh allowed-signers file), keyring"
                + " (OpenPGP public keys) or both")),
        Arguments.of("unknown trust key", "  trust: {allowedSigners: a, gpgHome: ~/.gnupg}\n",
            List.of("ferry.yaml:17:30: unknown key 'gpgHome' in git.trust (known: allowedSigners, keyring)")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void refusesWithFileAndLine(String name, String git, List<String> expected) throws Exception {
    String text = withGit(git);
    assertThat(ConfigLoader.problems("ferry.yaml", text)).map(ConfigProblem::toString)
        .containsExactlyElementsOf(expected);
    assertThat(ConfigSchemaTest.validate(text)).as("the schema refuses it too").isNotEmpty();
    assertThat(String.join("\n", expected)).doesNotContain("BEGIN OPENSSH");
  }

  static final String GITHUB_PULL_REQUESTS = "    url: https://git.example.com/platform/env.git\n"
      + "    pullRequests: {provider: github, repository: acme/env, tokenEnv: GITHUB_TOKEN}\n";

  @Test
  void formatGithubNeedsNoKeyAndAGitHubForgeForEveryRepository() throws Exception {
    String text = withGit("  signing: {format: github}\n").replace("    url: https://git.example.com/platform/env.git\n",
        GITHUB_PULL_REQUESTS);
    assertThat(ConfigLoader.problems("ferry.yaml", text)).isEmpty();
    assertThat(ConfigSchemaTest.validate(text)).isEmpty();
    FerryConfig config = ConfigLoaderTest.parse(text);
    assertThat(config.signing().format()).isEqualTo(SigningConfig.Format.GITHUB);
    assertThat(config.signing().keyFile()).isNull();

    // the schema cannot see across repos and git: the loader says which repository lacks GitHub
    String gitlab = text.replace("provider: github", "provider: gitlab");
    assertThat(ConfigLoader.problems("ferry.yaml", gitlab)).map(ConfigProblem::toString).containsExactly(
        "ferry.yaml:18:21: git.signing format github creates commits through the GitHub API with the credentials"
            + " of the repository's pullRequests, but env has no pullRequests with provider github; add pullRequests:"
            + " {provider: github, tokenEnv: ...} (or app: ...) to it, or use format ssh or openpgp");
  }

  @Test
  void theSchemaAcceptsWhatTheLoaderAcceptsAndNamesTheSameKeys() throws Exception {
    String text = withGit("""
          signing: {format: openpgp, keyEnv: K, passphraseEnv: P}
          trust: {keyring: trusted.asc}
        """);
    assertThat(ConfigLoader.problems("ferry.yaml", text)).isEmpty();
    assertThat(ConfigSchemaTest.validate(text)).isEmpty();
    JsonNode git = ConfigSchemaTest.schemaTree().get("properties").get("git").get("properties");
    assertThat(names(git)).isEqualTo(Validator.GIT_KEYS);
    assertThat(names(git.get("signing").get("properties"))).isEqualTo(Validator.SIGNING_KEYS);
    assertThat(names(git.get("trust").get("properties"))).isEqualTo(Validator.TRUST_KEYS);
  }

  private static List<String> names(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
