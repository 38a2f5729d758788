package dss.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import dss.index.Hit;
import dss.index.ImageRecord;
import dss.search.DuplicateGroup;
import dss.search.Explained;
import dss.search.FolderTree;
import dss.search.SimilaritySearch;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON shapes of the API (field names become snake_case through the server's Jackson mapper).
 */
final class ApiJson {
  private ApiJson() {}

  /**
   * An image of a search result or of the library listing: the same fields, {@code distance} only
   * in search results (null, so left out, in the listing). {@code size} in bytes, {@code mtime}
   * epoch milliseconds and {@code modified} the same instant as ISO-8601 UTC text; {@code taken_at}
   * the EXIF capture date as in the file (ISO-8601, with its offset when known), {@code
   * camera_make}/{@code camera_model}: null when the file has none; {@code folder} the folder
   * relative to the library's roots ({@link FolderTree#folderOf}), as {@code GET /api/folders}
   * names it.
   */
  record Result(
      String id,
      String path,
      @JsonInclude(JsonInclude.Include.NON_NULL) Float distance,
      int width,
      int height,
      String format,
      long size,
      long mtime,
      String modified,
      String takenAt,
      String cameraMake,
      String cameraModel,
      String folder,
      String thumbnail) {}

  /** A member of a duplicate group: {@code bytes} is the file size (as {@code size}). */
  record Member(
      String id,
      String path,
      float distance,
      int width,
      int height,
      long bytes,
      long size,
      String format,
      long mtime,
      String modified,
      String takenAt,
      String cameraMake,
      String cameraModel,
      String folder,
      String thumbnail) {}

  record Group(String keeper, List<Member> members) {}

  /**
   * Where the time of one search went, in milliseconds (decode and model are 0 for a search by id).
   */
  record Timings(double decodeMs, double modelMs, double searchMs) {}

  record SearchResponse(List<Result> results, double tookMs, Timings timings) {}

  static SearchResponse response(SimilaritySearch.Result r, long startNanos, FolderTree folders) {
    return new SearchResponse(
        results(r.hits(), folders),
        millisSince(startNanos),
        new Timings(round2(r.decodeMs()), round2(r.modelMs()), round2(r.searchMs())));
  }

  static List<Result> results(List<Hit> hits, FolderTree folders) {
    return hits.stream().map(h -> result(h.image(), h.distance(), folders)).toList();
  }

  /** The listing's items: search results without a distance. */
  static List<Result> images(List<ImageRecord> images, FolderTree folders) {
    return images.stream().map(r -> result(r, null, folders)).toList();
  }

  private static Result result(ImageRecord r, Float distance, FolderTree folders) {
    return new Result(
        r.id(),
        r.path(),
        distance,
        r.width(),
        r.height(),
        r.format(),
        r.size(),
        r.mtime(),
        modified(r),
        r.takenAt(),
        r.cameraMake(),
        r.cameraModel(),
        folders.folderOf(r.path()),
        thumbnailUrl(r));
  }

  /** The file's modification time as ISO-8601 UTC text. */
  static String modified(ImageRecord r) {
    return java.time.Instant.ofEpochMilli(r.mtime()).toString();
  }

  /**
   * {@code {"distance", "branches": [{name, about, from, to, distance}]}}, branches left out when
   * there are none.
   */
  static java.util.Map<String, Object> distance(Explained explained) {
    java.util.Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("distance", explained.distance());
    if (!explained.branches().isEmpty()) body.put("branches", explained.branches());
    return body;
  }

  static Group group(DuplicateGroup group, FolderTree folders) {
    return new Group(
        group.keeper().id(),
        group.members().stream()
            .map(
                h -> {
                  ImageRecord r = h.image();
                  return new Member(
                      r.id(),
                      r.path(),
                      h.distance(),
                      r.width(),
                      r.height(),
                      r.size(),
                      r.size(),
                      r.format(),
                      r.mtime(),
                      modified(r),
                      r.takenAt(),
                      r.cameraMake(),
                      r.cameraModel(),
                      folders.folderOf(r.path()),
                      thumbnailUrl(r));
                })
            .toList());
  }

  static String thumbnailUrl(ImageRecord image) {
    return "/api/images/" + URLEncoder.encode(image.id(), StandardCharsets.UTF_8) + "/thumbnail";
  }

  static double millisSince(long startNanos) {
    return round2((System.nanoTime() - startNanos) / 1e6);
  }

  static double round2(double millis) {
    return Math.round(millis * 100) / 100.0;
  }
}
