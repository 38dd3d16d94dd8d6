package dev.ferry.core.signing;

/**
 * What {@link TrustedSigners} found on one commit.
 *
 * @param trusted whether a trusted key made a good signature over the commit
 * @param signer the key that signed (type and fingerprint), or null when unsigned or unreadable
 * @param reason why the commit is not trusted ("unsigned", "signed by a key not in ..."), or null
 */
public record SignatureCheck(boolean trusted, String signer, String reason) {

  static SignatureCheck good(String signer) {
    return new SignatureCheck(true, signer, null);
  }

  static SignatureCheck bad(String signer, String reason) {
    return new SignatureCheck(false, signer, reason);
  }
}
