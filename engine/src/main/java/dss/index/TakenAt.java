package dss.index;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The sort key of a capture date ({@link ImageRecord#takenAt()}): epoch milliseconds, of the UTC
 * instant when the date carries an offset, else of the local time read as if it were UTC (a
 * camera's clock without a time zone: photos from one trip sort by their clock; against dated
 * photos from other zones they may be off by the zone's hours). Null for no or unreadable text.
 */
public final class TakenAt {
  private TakenAt() {}

  public static Long sortKey(String takenAt) {
    if (takenAt == null || takenAt.isEmpty()) return null;
    try {
      if (takenAt.length() > 19) return OffsetDateTime.parse(takenAt).toInstant().toEpochMilli();
      return LocalDateTime.parse(takenAt).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
