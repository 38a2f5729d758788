package dss.image;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system libraries the image pipeline can use, whether each is loaded, its version, and what
 * its absence costs: one place for {@code dreamsim doctor} and for the one start-up line naming
 * what is missing.
 */
public final class NativeCodecs {
  private static final Logger LOG = LoggerFactory.getLogger(NativeCodecs.class);
  private static final AtomicBoolean LOGGED = new AtomicBoolean();

  /**
   * @param name short name, e.g. "libheif"
   * @param library the file looked up (soname or path)
   * @param install how to get it on Debian/Ubuntu
   * @param used false for a library this build does not use at all
   * @param loaded it is loaded and bound in this process
   * @param version the library's own version where it reports one, else a note (null when not
   *     loaded)
   * @param costWhenMissing what the pipeline loses without it (speed or formats)
   * @param missingParts loaded but incomplete: each missing part with its cost and package
   *     (libheif's decoders)
   */
  public record Library(
      String name,
      String library,
      String install,
      boolean used,
      boolean loaded,
      String version,
      String costWhenMissing,
      List<String> missingParts) {}

  private NativeCodecs() {}

  /** The libraries as the pipeline of this process uses them (decoders chosen once at start-up). */
  public static List<Library> inUse() {
    return describe(
        JpegDecoders.standard(), turboJpegLibrary(), HeifDecoders.standard(), heifLibrary());
  }

  /**
   * Looks every library up again now, honouring the current system properties {@code dss.turbojpeg}
   * and {@code dss.libheif} (what {@code dreamsim doctor} reports).
   */
  public static List<Library> probe() {
    int java = Runtime.version().feature();
    return describe(
        JpegDecoders.select(java, turboJpegLibrary()),
        turboJpegLibrary(),
        HeifDecoders.select(java, heifLibrary()),
        heifLibrary());
  }

  /**
   * Logs, once per process as a warning (so that it shows at the command line's normal verbosity),
   * one line naming each missing library and its cost; nothing when all are present. Called when an
   * ingest pipeline starts (index, serve, embed).
   */
  public static void logMissingOnce() {
    if (!LOG.isWarnEnabled() || LOGGED.getAndSet(true)) {
      return;
    }
    List<String> missing = new ArrayList<>();
    for (Library l : inUse()) {
      if (l.used() && !l.loaded()) {
        missing.add(l.name() + " (" + l.costWhenMissing() + "; " + l.install() + ")");
      }
      for (String part : l.missingParts()) missing.add(l.name() + " decoder for " + part);
    }
    if (!missing.isEmpty()) {
      LOG.warn("Native libraries missing: {}", String.join("; ", missing));
    }
  }

  private static List<Library> describe(
      JpegDecoder jpeg, String turboJpeg, HeifDecoders.Choice heif, String libheif) {
    boolean turbo = jpeg != null && jpeg.description().startsWith("turbojpeg");
    String jpegInstead =
        jpeg == null
            ? "JDK ImageIO, without DCT scaling: several times slower"
            : "OpenCV's bundled libjpeg-turbo: same pixels, about 20% slower";
    return List.of(
        new Library(
            "libturbojpeg",
            turboJpeg,
            "apt-get install libturbojpeg0, on Ubuntu libturbojpeg",
            true,
            turbo,
            turbo ? turboJpeg + " (the TurboJPEG API reports no version)" : null,
            "JPEG decodes through " + jpegInstead,
            List.of()),
        new Library(
            "libheif",
            libheif,
            "apt-get install libheif1",
            true,
            heif.decoder() != null,
            heif.decoder() != null ? heif.decoder().version() : null,
            "HEIC, HEIF and AVIF files fail to decode, each reported as a failed file",
            heif.decoder() != null ? heif.decoder().missingDecoders() : List.of()),
        new Library(
            "libraw",
            "libraw.so.20",
            "apt-get install libraw20",
            false,
            false,
            null,
            "nothing: not used by this build",
            List.of()));
  }

  private static String turboJpegLibrary() {
    return System.getProperty("dss.turbojpeg", JpegDecoders.TURBOJPEG_LIBRARY);
  }

  private static String heifLibrary() {
    return System.getProperty("dss.libheif", HeifDecoders.LIBRARY);
  }
}
