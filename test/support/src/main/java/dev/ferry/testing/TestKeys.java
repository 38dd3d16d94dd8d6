package dev.ferry.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Signing keys made by the real tools ({@code ssh-keygen}, GnuPG's {@code gpg --batch --gen-key}),
 * and {@code git verify-commit} run against them, for tests of signed commits.
 *
 * <pre>{@code
 * TestKeys.Ssh key = TestKeys.ssh(dir, "ed25519", "");
 * Path allowed = TestKeys.allowedSigners(dir, key, "ferry@localhost");
 * TestKeys.verifySsh(bareRepo, commit, allowed);   // git's answer, or IOException
 * }</pre>
 */
public final class TestKeys {

  private TestKeys() {
  }

  /** An ssh key pair: the private key file and its {@code .pub}. */
  public record Ssh(Path privateKey, Path publicKey) {
    public String publicText() throws IOException {
      return Files.readString(publicKey).strip();
    }
  }

  /** A GnuPG home holding one key; {@code armoredSecret} is its {@code --export-secret-keys --armor}. */
  public record Gpg(Path home, String fingerprint, Path armoredSecret, Path armoredPublic) {
  }

  /** {@code ssh-keygen -t type -N passphrase}; type is ed25519, ecdsa, rsa or dsa. */
  public static Ssh ssh(Path dir, String type, String passphrase) throws IOException {
    ServerProcess.require("ssh-keygen", "openssh-client");
    Files.createDirectories(dir);
    Path key = dir.resolve("id_" + type + "_" + System.nanoTime());
    List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", "ferry-test",
        "-f", key.toString()));
    if (type.equals("rsa")) {
      cmd.addAll(List.of("-b", "3072"));
    }
    run(dir, cmd, Map.of());
    return new Ssh(key, Path.of(key + ".pub"));
  }

  /** An allowed-signers file trusting each key for each principal (e-mail). */
  public static Path allowedSigners(Path dir, List<Ssh> keys, List<String> principals) throws IOException {
    StringBuilder s = new StringBuilder();
    for (Ssh k : keys) {
      s.append(String.join(",", principals)).append(' ').append(k.publicText()).append('\n');
    }
    Path file = dir.resolve("allowed_signers_" + System.nanoTime());
    Files.writeString(file, s.toString());
    return file;
  }

  /** A GnuPG home with a new ed25519 key for {@code email}, protected by {@code passphrase} (empty: none). */
  public static Gpg gpg(Path dir, String email, String passphrase) throws IOException {
    ServerProcess.require("gpg", "gnupg");
    Path home = Files.createDirectories(dir.resolve("gnupg-" + System.nanoTime()));
    home.toFile().setReadable(false, false);
    home.toFile().setReadable(true, true);
    home.toFile().setExecutable(false, false);
    home.toFile().setExecutable(true, true);
    Path params = dir.resolve("gpg-params-" + System.nanoTime());
    Files.writeString(params, String.join("\n",
        "Key-Type: eddsa", "Key-Curve: ed25519", "Key-Usage: sign",
        passphrase.isEmpty() ? "%no-protection" : "Passphrase: " + passphrase,
        "Name-Real: Ferry Test", "Name-Email: " + email, "Expire-Date: 0", "%commit", ""));
    Map<String, String> env = Map.of("GNUPGHOME", home.toString());
    run(dir, List.of("gpg", "--batch", "--pinentry-mode", "loopback", "--gen-key", params.toString()), env);
    String colons = run(dir, List.of("gpg", "--batch", "--with-colons", "--list-secret-keys", email), env);
    String fpr = colons.lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];
    Path secret = dir.resolve("gpg-secret-" + fpr + ".asc");
    List<String> export = new ArrayList<>(List.of("gpg", "--batch", "--pinentry-mode", "loopback", "--armor"));
    if (!passphrase.isEmpty()) {
      export.addAll(List.of("--passphrase", passphrase));
    }
    export.addAll(List.of("--export-secret-keys", fpr));
    Files.writeString(secret, run(dir, export, env));
    Path pub = dir.resolve("gpg-public-" + fpr + ".asc");
    Files.writeString(pub, run(dir, List.of("gpg", "--batch", "--armor", "--export", fpr), env));
    return new Gpg(home, fpr, secret, pub);
  }

  /** {@code git -c gpg.ssh.allowedSignersFile=F verify-commit --raw REV}: git's report; IOException when it refuses. */
  public static String verifySsh(Path repo, String rev, Path allowedSigners) throws IOException {
    return run(repo, List.of("git", "-c", "gpg.ssh.allowedSignersFile=" + allowedSigners, "verify-commit", "-v", rev),
        Map.of());
  }

  /** {@code git verify-commit REV} with the keys of {@code gpg}'s home; IOException when git refuses. */
  public static String verifyGpg(Path repo, String rev, Gpg gpg) throws IOException {
    return run(repo, List.of("git", "verify-commit", "-v", rev), Map.of("GNUPGHOME", gpg.home().toString()));
  }

  /** Stops the gpg-agent that GnuPG started for {@code gpg}'s home. */
  public static void stopAgent(Gpg gpg) throws IOException {
    run(gpg.home(), List.of("gpgconf", "--kill", "gpg-agent"), Map.of("GNUPGHOME", gpg.home().toString()));
  }

  /** Runs a command; its stdout and stderr together; IOException naming both on a non-zero exit. */
  static String run(Path dir, List<String> cmd, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd.get(0) + " did not finish within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd.subList(0, Math.min(3, cmd.size()))) + " failed ("
          + p.exitValue() + "): " + out);
    }
    return out;
  }
}
