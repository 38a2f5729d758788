package dss.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;

/**
 * JPEG through the system's TurboJPEG library ({@code libturbojpeg.so.0}, Debian package libturbojpeg0): the
 * libjpeg-turbo with SIMD IDCT, upsampling and colour conversion that Pillow links, called through the FFM API
 * (Java 22+; compiled from src/main/java22, reached only through {@link JpegDecoders}). Default decoding flags, as
 * Pillow: accurate integer IDCT, fancy (smooth) chroma upsampling.
 *
 * <p>Thread-safe: one decompressor handle per call (creating one costs microseconds, a decode milliseconds) and
 * native buffers in a confined arena freed when the call returns.
 */
final class TurboJpegDecoder implements JpegDecoder {
  private static final int TJPF_RGB = 0;
  private static final int TJERR_WARNING = 0;
  private static final int TJCS_CMYK = 3, TJCS_YCCK = 4;
  /** JMSG_LENGTH_MAX: TurboJPEG's error strings are at most this long. */
  private static final int MESSAGE_MAX = 200;

  private final String library;
  private final MethodHandle initDecompress, decompressHeader3, decompress2, getErrorStr2, getErrorCode, destroy;

  private TurboJpegDecoder(String library, SymbolLookup lib) {
    Linker linker = Linker.nativeLinker();
    MemoryLayout cLong = linker.canonicalLayouts().get("long"); // jpegSize is an unsigned long
    if (cLong.byteSize() != 8) { // LP64 (Linux, macOS) only: the handles below take a Java long for it
      throw new UnsupportedOperationException("C long is " + cLong.byteSize() + " bytes on this platform");
    }
    this.library = library;
    initDecompress = linker.downcallHandle(symbol(lib, "tjInitDecompress"), FunctionDescriptor.of(ADDRESS));
    decompressHeader3 = linker.downcallHandle(symbol(lib, "tjDecompressHeader3"), FunctionDescriptor.of(
        JAVA_INT, ADDRESS, ADDRESS, cLong, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    decompress2 = linker.downcallHandle(symbol(lib, "tjDecompress2"), FunctionDescriptor.of(
        JAVA_INT, ADDRESS, ADDRESS, cLong, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    getErrorStr2 = linker.downcallHandle(symbol(lib, "tjGetErrorStr2"), FunctionDescriptor.of(ADDRESS, ADDRESS));
    getErrorCode = linker.downcallHandle(symbol(lib, "tjGetErrorCode"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    destroy = linker.downcallHandle(symbol(lib, "tjDestroy"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
  }

  /**
   * Binds {@code library} (a name the dynamic linker finds, or a path). Called reflectively by {@link JpegDecoders}.
   *
   * @throws IllegalArgumentException when the library cannot be found
   * @throws java.util.NoSuchElementException when it lacks a TurboJPEG function (not libturbojpeg)
   */
  static TurboJpegDecoder load(String library) {
    return new TurboJpegDecoder(library, SymbolLookup.libraryLookup(library, Arena.global()));
  }

  @Override public String description() {
    return "turbojpeg (" + library + ", SIMD)";
  }

  @Override public RgbImage decode(byte[] jpeg, int reduction, String name) throws ImageException {
    return decode(ByteBuffer.wrap(jpeg), reduction, name);
  }

  /** Copies the bytes straight into native memory: a mapped file never passes through the heap. */
  @Override public RgbImage decode(ByteBuffer jpeg, int reduction, String name) throws ImageException {
    if (reduction != 1 && reduction != 2 && reduction != 4 && reduction != 8) {
      throw new IllegalArgumentException("reduction " + reduction);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment handle = (MemorySegment) initDecompress.invokeExact();
      if (handle.equals(MemorySegment.NULL)) {
        throw new ImageException(name, "cannot start the JPEG decoder (" + message(MemorySegment.NULL) + ")");
      }
      try {
        return decode(handle, arena, jpeg, reduction, name);
      } finally {
        int ignored = (int) destroy.invokeExact(handle);
      }
    } catch (ImageException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) { // invokeExact's declared Throwable; downcalls themselves throw nothing checked
      throw new IllegalStateException(e);
    }
  }

  private RgbImage decode(MemorySegment handle, Arena arena, ByteBuffer jpeg, int reduction, String name)
      throws Throwable {
    long length = jpeg.limit();
    // a copy, not the mapping itself: a file truncated while mapped would fault inside the native decoder
    MemorySegment src = arena.allocate(length);
    MemorySegment.copy(MemorySegment.ofBuffer(jpeg.slice(0, jpeg.limit())), 0, src, 0, length);
    MemorySegment header = arena.allocate(JAVA_INT, 4); // width, height, subsampling, colour space
    int status = (int) decompressHeader3.invokeExact(handle, src, length, header, header.asSlice(4),
        header.asSlice(8), header.asSlice(12));
    // a warning while reading the header (stray bytes before a marker, which libjpeg skips) is not fatal: the
    // header was read, as Pillow's libjpeg reads it
    if (status != 0 && (int) getErrorCode.invokeExact(handle) != TJERR_WARNING) {
      throw new ImageException(name, "corrupt JPEG (" + message(handle) + ")");
    }
    int colourSpace = header.getAtIndex(JAVA_INT, 3);
    if (colourSpace == TJCS_CMYK || colourSpace == TJCS_YCCK) {
      throw new IllegalArgumentException("CMYK/YCCK JPEG: decode it with ImageIoDecoder");
    }
    int width = ceilDiv(header.getAtIndex(JAVA_INT, 0), reduction);
    int height = ceilDiv(header.getAtIndex(JAVA_INT, 1), reduction);
    RgbImage out = new RgbImage(width, height);
    MemorySegment dst = arena.allocate(out.rgb().length);
    // asking for exactly ceil(size / reduction) makes TurboJPEG pick the scaling factor 1/reduction
    status = (int) decompress2.invokeExact(handle, src, length, dst, width, 0, height, TJPF_RGB, 0);
    if (status != 0) {
      String message = message(handle);
      if ((int) getErrorCode.invokeExact(handle) != TJERR_WARNING) {
        throw new ImageException(name, "corrupt JPEG (" + message + ")");
      }
      // a warning: the image was decoded to the end, with artefacts where the data was damaged (as Pillow and
      // every libjpeg do); only running out of data is refused (JpegHeader already checks for a missing end)
      if (message.contains("Premature end")) {
        throw new ImageException(name, "truncated JPEG (" + message + ")");
      }
      if (reduction > 1) { // libjpeg conceals damage differently at a reduced size: the caller decodes at full size
        throw new DamagedJpegException(name, message);
      }
    }
    MemorySegment.copy(dst, JAVA_BYTE, 0, out.rgb(), 0, out.rgb().length);
    return out;
  }

  private String message(MemorySegment handle) throws Throwable {
    MemorySegment text = (MemorySegment) getErrorStr2.invokeExact(handle);
    return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(MESSAGE_MAX).getString(0).strip();
  }

  private static MemorySegment symbol(SymbolLookup lib, String name) {
    return lib.find(name).orElseThrow(() -> new java.util.NoSuchElementException("no symbol " + name));
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }
}
