package dev.ferry.cli;

import dev.ferry.core.SecretMask;
import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * The writer behind the console's stdout and stderr: every string goes through the current
 * {@link SecretMask} on its way out, so no path (a gate reason, an exception, a stack trace, the
 * JSON) can print a configured secret.
 *
 * <pre>{@code PrintWriter err = new MaskedWriter(cmd.getErr(), () -> mask);}</pre>
 */
final class MaskedWriter extends PrintWriter {

  private final Supplier<SecretMask> mask;

  MaskedWriter(PrintWriter target, Supplier<SecretMask> mask) {
    super(target);
    this.mask = mask;
  }

  @Override
  public void write(String s, int off, int len) {
    String masked = mask.get().apply(s.substring(off, off + len));
    super.write(masked, 0, masked.length());
  }

  @Override
  public void write(char[] buf, int off, int len) {
    write(new String(buf, off, len), 0, len);
  }
}
