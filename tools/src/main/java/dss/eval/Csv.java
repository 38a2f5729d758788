package dss.eval;

import java.io.IOException;
import java.io.BufferedReader;
import java.util.ArrayList;
import java.util.List;

/** Minimal RFC 4180 reader: quoted fields may hold commas, quotes ("") and line breaks (NIGHTS prompts do). */
final class Csv {
  private Csv() {}

  /** All records; each record is its list of fields. */
  static List<List<String>> read(BufferedReader in) throws IOException {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false; // whether the current record has started
    int c;
    while ((c = in.read()) != -1) {
      char ch = (char) c;
      if (quoted) {
        if (ch == '"') {
          in.mark(1);
          int next = in.read();
          if (next == '"') {
            field.append('"');
          } else {
            quoted = false;
            if (next != -1) in.reset();
          }
        } else {
          field.append(ch);
        }
        continue;
      }
      switch (ch) {
        case '"' -> { quoted = true; any = true; }
        case ',' -> { record.add(field.toString()); field.setLength(0); any = true; }
        case '\r' -> { }
        case '\n' -> {
          if (any || field.length() > 0) {
            record.add(field.toString());
            records.add(record);
          }
          record = new ArrayList<>();
          field.setLength(0);
          any = false;
        }
        default -> { field.append(ch); any = true; }
      }
    }
    if (any || field.length() > 0) {
      record.add(field.toString());
      records.add(record);
    }
    return records;
  }
}
