package dev.ferry.core.config;

import dev.ferry.core.SourceLocation;
import java.nio.file.Path;

/**
 * Which signatures Ferry believes when it reads its records back ({@code git.trust} in
 * {@code ferry.yaml}). With trust configured, only commits signed by one of these keys count as
 * promotions, rollbacks, verifications, blocks and approvals.
 *
 * <pre>{@code
 * git:
 *   trust: {allowedSigners: keys/allowed_signers}
 * }</pre>
 *
 * @param allowedSigners an ssh allowed-signers file (git's {@code gpg.ssh.allowedSignersFile}
 *     format), absolute, or null
 * @param keyring OpenPGP public keys ({@code gpg --export}, armored or binary), absolute, or null
 * @param location where {@code git.trust} starts in {@code ferry.yaml}
 */
public record TrustConfig(Path allowedSigners, Path keyring, SourceLocation location) {
}
