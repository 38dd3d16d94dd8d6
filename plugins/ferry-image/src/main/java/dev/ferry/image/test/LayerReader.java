package dev.ferry.image.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads the entries of a layer's tar stream: POSIX ustar, with GNU long names ({@code L}, {@code K})
 * and PAX extended headers ({@code path}, {@code linkpath}, {@code size}, {@code uid}, {@code gid}).
 * Contents are kept only for the paths the caller asks for, so a large image costs no memory.
 *
 * <pre>{@code
 * LayerReader.read(in, path -> path.equals("/etc/passwd"), entry -> files.put(entry.path(), entry));
 * }</pre>
 */
final class LayerReader {

  private LayerReader() {
  }

  interface EntryHandler {
    void on(ImageFile entry) throws IOException;
  }

  static void read(InputStream in, Predicate<String> wantContent, EntryHandler handler) throws IOException {
    byte[] header = new byte[512];
    String longName = null;
    String longLink = null;
    Map<String, String> pax = new HashMap<>();
    Map<String, String> globalPax = new HashMap<>();
    while (true) {
      if (!readFully(in, header)) {
        return;
      }
      if (allZero(header)) {
        return;
      }
      if (!checksumOk(header)) {
        throw new IOException("a tar header has a bad checksum: the layer is not a tar archive");
      }
      char type = (char) header[156];
      String name = string(header, 0, 100);
      String magic = string(header, 257, 6);
      if (magic.startsWith("ustar")) {
        String prefix = string(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      long size = number(header, 124, 12);
      long uid = number(header, 108, 8);
      long gid = number(header, 116, 8);
      int mode = (int) number(header, 100, 8);
      String link = string(header, 157, 100);
      if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
        byte[] data = readBytes(in, size);
        skipPadding(in, size);
        String text = new String(data, StandardCharsets.UTF_8);
        switch (type) {
          case 'L' -> longName = text.replace("\0", "");
          case 'K' -> longLink = text.replace("\0", "");
          case 'x' -> parsePax(text, pax);
          default -> parsePax(text, globalPax);
        }
        continue;
      }
      Map<String, String> attrs = new HashMap<>(globalPax);
      attrs.putAll(pax);
      if (longName != null) {
        name = longName;
      }
      if (attrs.containsKey("path")) {
        name = attrs.get("path");
      }
      if (longLink != null) {
        link = longLink;
      }
      if (attrs.containsKey("linkpath")) {
        link = attrs.get("linkpath");
      }
      if (attrs.containsKey("size")) {
        size = Long.parseLong(attrs.get("size"));
      }
      if (attrs.containsKey("uid")) {
        uid = Long.parseLong(attrs.get("uid"));
      }
      if (attrs.containsKey("gid")) {
        gid = Long.parseLong(attrs.get("gid"));
      }
      longName = null;
      longLink = null;
      pax.clear();
      String path = normalise(name);
      ImageFile.Type kind = switch (type) {
        case '0', '\0', '7' -> ImageFile.Type.FILE;
        case '5' -> ImageFile.Type.DIRECTORY;
        case '2' -> ImageFile.Type.SYMLINK;
        case '1' -> ImageFile.Type.HARDLINK;
        default -> ImageFile.Type.OTHER;
      };
      long dataSize = kind == ImageFile.Type.FILE || kind == ImageFile.Type.OTHER ? size : 0;
      byte[] content = null;
      if (kind == ImageFile.Type.FILE && wantContent.test(path)) {
        content = readBytes(in, dataSize);
      } else {
        skip(in, dataSize);
      }
      skipPadding(in, dataSize);
      handler.on(new ImageFile(path, kind, mode, uid, gid, dataSize,
          kind == ImageFile.Type.HARDLINK ? normalise(link) : (link.isEmpty() ? null : link), content));
    }
  }

  /** {@code ./app//run/} → {@code /app/run}. */
  static String normalise(String name) {
    StringBuilder out = new StringBuilder();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      out.append('/').append(part);
    }
    return out.length() == 0 ? "/" : out.toString();
  }

  private static void parsePax(String text, Map<String, String> into) {
    int i = 0;
    while (i < text.length()) {
      int space = text.indexOf(' ', i);
      if (space < 0) {
        return;
      }
      int length = Integer.parseInt(text.substring(i, space));
      // the length counts bytes; records here are ASCII or UTF-8 paths, so work in bytes
      byte[] all = text.substring(i).getBytes(StandardCharsets.UTF_8);
      String record = new String(all, 0, Math.min(length, all.length), StandardCharsets.UTF_8);
      int eq = record.indexOf('=');
      if (eq > 0) {
        String key = record.substring(record.indexOf(' ') + 1, eq);
        String value = record.substring(eq + 1, record.endsWith("\n") ? record.length() - 1 : record.length());
        into.put(key, value);
      }
      i += record.length();
    }
  }

  private static boolean readFully(InputStream in, byte[] buf) throws IOException {
    int n = 0;
    while (n < buf.length) {
      int r = in.read(buf, n, buf.length - n);
      if (r < 0) {
        if (n == 0) {
          return false;
        }
        throw new IOException("the layer's tar stream ends in the middle of a header");
      }
      n += r;
    }
    return true;
  }

  private static byte[] readBytes(InputStream in, long size) throws IOException {
    if (size > Integer.MAX_VALUE - 16) {
      throw new IOException("a file is too large to read: " + size + " bytes");
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length != size) {
      throw new IOException("the layer's tar stream ends in the middle of a file");
    }
    return data;
  }

  private static void skip(InputStream in, long size) throws IOException {
    long left = size;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("the layer's tar stream ends in the middle of a file");
        }
        s = 1;
      }
      left -= s;
    }
  }

  private static void skipPadding(InputStream in, long size) throws IOException {
    long pad = (512 - size % 512) % 512;
    skip(in, pad);
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean checksumOk(byte[] header) {
    long stored = number(header, 148, 8);
    long sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
    }
    return sum == stored;
  }

  private static String string(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** An octal field, or GNU base-256 when the high bit of the first byte is set. */
  private static long number(byte[] b, int offset, int length) {
    if ((b[offset] & 0x80) != 0) {
      long v = b[offset] & 0x7f;
      for (int i = offset + 1; i < offset + length; i++) {
        v = (v << 8) | (b[i] & 0xff);
      }
      return v;
    }
    String s = string(b, offset, length).trim();
    return s.isEmpty() ? 0 : Long.parseLong(s, 8);
  }

}
