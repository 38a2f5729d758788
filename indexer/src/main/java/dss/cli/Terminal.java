package dss.cli;

import java.util.Locale;

/**
 * Text for a terminal: file names can hold newlines or escape sequences (a name that clears the
 * screen or fakes a log line), so control characters are shown as {@code \\uXXXX}, never sent raw.
 * JSON output is escaped by Jackson.
 */
final class Terminal {
  private Terminal() {}

  static String safe(String text) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
      if (control && out == null) out = new StringBuilder(text.substring(0, i));
      if (out != null) {
        if (control) out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
        else out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }
}
