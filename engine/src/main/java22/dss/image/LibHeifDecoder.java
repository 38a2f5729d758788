package dss.image;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * HEIC, HEIF and AVIF through the system's libheif ({@code libheif.so.1}, Debian package libheif1, with libde265
 * for HEVC and dav1d/aom for AV1): the library pillow-heif wraps, called through the FFM API (Java 22+; compiled
 * from src/main/java22, reached only through {@link HeifDecoders}).
 *
 * <p>Decodes from memory without a copy by libheif, the primary image only; the size libheif reports for it
 * (transformations applied) goes through the caller's check before {@code heif_decode_image}. Output: interleaved
 * 8-bit RGB, HDR (10/12-bit) reduced to 8 bits by libheif ({@code convert_hdr_to_8bit}, as pillow-heif), alpha not
 * decoded into the output. Thread-safe: one context per call, every native object released in {@code finally}
 * blocks, the input copy and out-parameters in a confined arena closed when the call returns.
 */
final class LibHeifDecoder implements HeifDecoder {
  private static final int HEIF_COLORSPACE_RGB = 1, HEIF_CHROMA_INTERLEAVED_RGB = 10, HEIF_CHANNEL_INTERLEAVED = 10;
  /** enum heif_compression_format. */
  private static final int HEIF_COMPRESSION_HEVC = 1, HEIF_COMPRESSION_AV1 = 4;
  /** struct heif_decoding_options: byte version at 0; version 2 added {@code uint8_t convert_hdr_to_8bit} here. */
  private static final long OPTIONS_VERSION = 0, OPTIONS_CONVERT_HDR_TO_8BIT = 40;
  /** Error messages are short; this bounds the C string read. */
  private static final long MESSAGE_MAX = 1024;
  /** struct heif_error {enum code; enum subcode; const char* message}, returned by value. */
  private static final StructLayout HEIF_ERROR = MemoryLayout.structLayout(
      JAVA_INT.withName("code"), JAVA_INT.withName("subcode"), ADDRESS.withName("message"));

  private final String version;
  private final java.util.List<String> missingDecoders;
  private final MethodHandle contextAlloc, contextFree, readFromMemory, primaryHandle, handleWidth, handleHeight,
      handleRelease, optionsAlloc, optionsFree, decodeImage, imageWidth, imageHeight, planeReadonly, imageRelease;

  private LibHeifDecoder(SymbolLookup lib) throws Throwable {
    Linker linker = Linker.nativeLinker();
    if (linker.canonicalLayouts().get("size_t").byteSize() != 8) { // LP64 only: size_t is bound as a Java long
      throw new UnsupportedOperationException("size_t is not 8 bytes on this platform");
    }
    MethodHandle init = handle(linker, lib, "heif_init", FunctionDescriptor.of(HEIF_ERROR, ADDRESS));
    MethodHandle getVersion = handle(linker, lib, "heif_get_version", FunctionDescriptor.of(ADDRESS));
    contextAlloc = handle(linker, lib, "heif_context_alloc", FunctionDescriptor.of(ADDRESS));
    contextFree = handle(linker, lib, "heif_context_free", FunctionDescriptor.ofVoid(ADDRESS));
    readFromMemory = handle(linker, lib, "heif_context_read_from_memory_without_copy",
        FunctionDescriptor.of(HEIF_ERROR, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    primaryHandle = handle(linker, lib, "heif_context_get_primary_image_handle",
        FunctionDescriptor.of(HEIF_ERROR, ADDRESS, ADDRESS));
    handleWidth = handle(linker, lib, "heif_image_handle_get_width", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    handleHeight = handle(linker, lib, "heif_image_handle_get_height", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    handleRelease = handle(linker, lib, "heif_image_handle_release", FunctionDescriptor.ofVoid(ADDRESS));
    optionsAlloc = handle(linker, lib, "heif_decoding_options_alloc", FunctionDescriptor.of(ADDRESS));
    optionsFree = handle(linker, lib, "heif_decoding_options_free", FunctionDescriptor.ofVoid(ADDRESS));
    decodeImage = handle(linker, lib, "heif_decode_image",
        FunctionDescriptor.of(HEIF_ERROR, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    imageWidth = handle(linker, lib, "heif_image_get_width", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    imageHeight = handle(linker, lib, "heif_image_get_height", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    planeReadonly = handle(linker, lib, "heif_image_get_plane_readonly",
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
    imageRelease = handle(linker, lib, "heif_image_release", FunctionDescriptor.ofVoid(ADDRESS));
    // heif_init once per process (reference counted; never undone: the plugins live as long as the process)
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment error = (MemorySegment) init.invokeExact((SegmentAllocator) arena, MemorySegment.NULL);
      if (error.get(JAVA_INT, 0) != 0) {
        throw new IllegalStateException("heif_init failed: " + message(error));
      }
    }
    MemorySegment text = (MemorySegment) getVersion.invokeExact();
    version = text.equals(MemorySegment.NULL) ? "unknown" : text.reinterpret(64).getString(0);
    MethodHandle haveDecoder = handle(linker, lib, "heif_have_decoder_for_format",
        FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    java.util.List<String> missing = new java.util.ArrayList<>();
    if ((int) haveDecoder.invokeExact(HEIF_COMPRESSION_HEVC) == 0) {
      missing.add("HEVC (HEIC photos fail): apt-get install " + HeifDecoders.HEVC_PLUGIN);
    }
    if ((int) haveDecoder.invokeExact(HEIF_COMPRESSION_AV1) == 0) {
      missing.add("AV1 (AVIF files fail): apt-get install " + HeifDecoders.AV1_PLUGIN);
    }
    missingDecoders = java.util.List.copyOf(missing);
  }

  /**
   * Binds {@code library} (a name the dynamic linker finds, or a path). Called reflectively by {@link HeifDecoders}.
   *
   * @throws IllegalArgumentException when the library cannot be found
   * @throws java.util.NoSuchElementException when it lacks a libheif function (not libheif, or too old)
   */
  static LibHeifDecoder load(String library) throws Throwable {
    return new LibHeifDecoder(SymbolLookup.libraryLookup(library, Arena.global()));
  }

  @Override public String version() {
    return version;
  }

  @Override public java.util.List<String> missingDecoders() {
    return missingDecoders;
  }

  @Override public RgbImage decode(byte[] file, String label, String name, SizeCheck sizeCheck)
      throws ImageException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment data = arena.allocate(Math.max(1, file.length));
      MemorySegment.copy(file, 0, data, JAVA_BYTE, 0, file.length);
      MemorySegment context = (MemorySegment) contextAlloc.invokeExact();
      if (context.equals(MemorySegment.NULL)) {
        throw new ImageException(name, "cannot start the " + label + " decoder (libheif: out of memory)");
      }
      try {
        // the data stays in the arena, alive until after heif_context_free below
        check((MemorySegment) readFromMemory.invokeExact((SegmentAllocator) arena, context, data,
            (long) file.length, MemorySegment.NULL), label, name);
        MemorySegment handleOut = arena.allocate(ADDRESS);
        check((MemorySegment) primaryHandle.invokeExact((SegmentAllocator) arena, context, handleOut), label, name);
        MemorySegment handle = handleOut.get(ADDRESS, 0);
        try {
          sizeCheck.check((int) handleWidth.invokeExact(handle), (int) handleHeight.invokeExact(handle));
          return decode(arena, handle, label, name);
        } finally {
          handleRelease.invokeExact(handle);
        }
      } finally {
        contextFree.invokeExact(context);
      }
    } catch (ImageException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) { // invokeExact's declared Throwable; downcalls themselves throw nothing checked
      throw new IllegalStateException(e);
    }
  }

  private RgbImage decode(Arena arena, MemorySegment handle, String label, String name) throws Throwable {
    MemorySegment options = (MemorySegment) optionsAlloc.invokeExact();
    if (options.equals(MemorySegment.NULL)) {
      throw new ImageException(name, "cannot start the " + label + " decoder (libheif: out of memory)");
    }
    options = options.reinterpret(OPTIONS_CONVERT_HDR_TO_8BIT + 1);
    MemorySegment imageOut = arena.allocate(ADDRESS);
    try {
      if (options.get(JAVA_BYTE, OPTIONS_VERSION) >= 2) {
        options.set(JAVA_BYTE, OPTIONS_CONVERT_HDR_TO_8BIT, (byte) 1);
      }
      check((MemorySegment) decodeImage.invokeExact((SegmentAllocator) arena, handle, imageOut,
          HEIF_COLORSPACE_RGB, HEIF_CHROMA_INTERLEAVED_RGB, options), label, name);
    } finally {
      optionsFree.invokeExact(options);
    }
    MemorySegment image = imageOut.get(ADDRESS, 0);
    try {
      int width = (int) imageWidth.invokeExact(image, HEIF_CHANNEL_INTERLEAVED);
      int height = (int) imageHeight.invokeExact(image, HEIF_CHANNEL_INTERLEAVED);
      MemorySegment strideOut = arena.allocate(JAVA_INT);
      MemorySegment plane = (MemorySegment) planeReadonly.invokeExact(image, HEIF_CHANNEL_INTERLEAVED, strideOut);
      int stride = strideOut.get(JAVA_INT, 0);
      if (width <= 0 || height <= 0 || plane.equals(MemorySegment.NULL) || stride < width * 3) {
        throw new ImageException(name, "cannot decode " + label + " image (libheif returned no 8-bit RGB plane)");
      }
      plane = plane.reinterpret((long) stride * height);
      RgbImage out = new RgbImage(width, height);
      for (int y = 0; y < height; y++) {
        MemorySegment.copy(plane, JAVA_BYTE, (long) y * stride, out.rgb(), y * width * 3, width * 3);
      }
      return out;
    } finally {
      imageRelease.invokeExact(image);
    }
  }

  /** A heif_error other than heif_error_Ok becomes an ImageException (read before the context is freed). */
  private static void check(MemorySegment error, String label, String name) throws ImageException {
    int code = error.get(JAVA_INT, 0);
    if (code != 0) {
      throw HeifDecoders.failure(code, error.get(JAVA_INT, 4), "libheif: " + message(error), label, name);
    }
  }

  private static String message(MemorySegment error) {
    MemorySegment text = error.get(ADDRESS, 8);
    return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(MESSAGE_MAX).getString(0).strip();
  }

  private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor descriptor) {
    return linker.downcallHandle(
        lib.find(name).orElseThrow(() -> new java.util.NoSuchElementException("no symbol " + name)), descriptor);
  }
}
