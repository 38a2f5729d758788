package dss.image;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.heif.HeifMetadataReader;
import com.drew.imaging.jpeg.JpegMetadataReader;
import com.drew.metadata.Directory;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.drew.metadata.exif.ExifReader;
import com.drew.metadata.exif.ExifSubIFDDirectory;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * When and with what a photo was taken, as its EXIF says: {@code takenAt} is ISO-8601 text ({@code
 * 2019-05-01T10:00:00}, with the offset when the file gives one: {@code
 * 2019-05-01T10:00:00+02:00}), from DateTimeOriginal, else DateTimeDigitized (exiftool's
 * "CreateDate"), each with its own OffsetTime tag; the file's modification date (IFD0 DateTime) is
 * not a capture date and is not used. {@code cameraMake}/{@code cameraModel} are IFD0 Make and
 * Model, trimmed. Each is null when absent, blank or invalid: metadata never makes an image fail.
 */
public record Capture(String takenAt, String cameraMake, String cameraModel) {
  /** Nothing known. */
  public static final Capture NONE = new Capture(null, null, null);

  private static final DateTimeFormatter EXIF =
      DateTimeFormatter.ofPattern("uuuu:MM:dd HH:mm:ss", java.util.Locale.ROOT);
  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", java.util.Locale.ROOT);

  /** The capture facts of an image file in memory (bytes 0..limit), read in place. */
  public static Capture read(ByteBuffer bytes) {
    ByteBuffer b = bytes.slice(0, bytes.limit());
    try {
      InputStream in = new ByteBufferInput(b);
      boolean jpeg = b.limit() > 2 && (b.get(0) & 0xff) == 0xff && (b.get(1) & 0xff) == 0xd8;
      boolean isoBox = b.limit() > 12 && b.getInt(4) == 0x66747970; // "ftyp": HEIF, AVIF
      Metadata metadata =
          jpeg
              ? JpegMetadataReader.readMetadata(
                  in, List.of(new ExifReader())) // APP1 only: stops at the image data
              // by content: the generic reader does not recognise AVIF's brands
              : isoBox
                  ? HeifMetadataReader.readMetadata(in)
                  : ImageMetadataReader.readMetadata(in, b.limit());
      return of(metadata);
    } catch (Exception | StackOverflowError e) { // malformed metadata: nothing known
      return NONE;
    }
  }

  /** {@link #read(ByteBuffer)} of a byte array. */
  public static Capture read(byte[] bytes) {
    return read(ByteBuffer.wrap(bytes));
  }

  private static Capture of(Metadata m) {
    String taken = null;
    // the first sub-IFD with a valid date (a RAW file may carry several EXIF directories)
    for (int[] tags :
        new int[][] {
          {ExifSubIFDDirectory.TAG_DATETIME_ORIGINAL, ExifSubIFDDirectory.TAG_TIME_ZONE_ORIGINAL},
          {ExifSubIFDDirectory.TAG_DATETIME_DIGITIZED, ExifSubIFDDirectory.TAG_TIME_ZONE_DIGITIZED}
        }) {
      for (ExifSubIFDDirectory d : m.getDirectoriesOfType(ExifSubIFDDirectory.class)) {
        taken = iso(d.getString(tags[0]), d.getString(tags[1]));
        if (taken != null) break;
      }
      if (taken != null) break;
    }
    String make = null, model = null;
    for (ExifIFD0Directory d : m.getDirectoriesOfType(ExifIFD0Directory.class)) {
      if (make == null) make = text(d, ExifIFD0Directory.TAG_MAKE);
      if (model == null) model = text(d, ExifIFD0Directory.TAG_MODEL);
    }
    return new Capture(taken, make, model);
  }

  /**
   * EXIF "YYYY:MM:DD HH:MM:SS" (and an offset "+HH:MM") as ISO-8601; null for a blank or invalid
   * date (cameras write "0000:00:00 00:00:00" when their clock was not set).
   */
  static String iso(String exifDate, String offset) {
    if (exifDate == null) return null;
    String s = exifDate.strip().replace("\0", "");
    if (s.length() < 19) return null;
    LocalDateTime local;
    try {
      local = LocalDateTime.parse(s.substring(0, 19), EXIF);
    } catch (java.time.DateTimeException e) {
      return null;
    }
    String out = local.format(ISO);
    if (offset != null) {
      try {
        out += ZoneOffset.of(offset.strip()).getId().replace("Z", "+00:00");
      } catch (java.time.DateTimeException e) {
        // an unreadable offset: the local time alone
      }
    }
    return out;
  }

  private static String text(Directory d, int tag) {
    String s = d.getString(tag);
    if (s == null) return null;
    s = s.replace("\0", "").strip();
    return s.isEmpty() ? null : s;
  }
}
