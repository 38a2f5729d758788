package dss.web;

import dss.index.Hit;
import dss.index.ImageRecord;
import dss.search.DuplicateGroup;
import dss.search.SimilaritySearch;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The JSON shapes of the API (field names become snake_case through the server's Jackson mapper). */
final class ApiJson {
  private ApiJson() {}

  record Result(String id, String path, float distance, int width, int height, String thumbnail) {}

  record Member(String id, String path, float distance, int width, int height, long bytes, String thumbnail) {}

  record Group(String keeper, List<Member> members) {}

  /** Where the time of one search went, in milliseconds (decode and model are 0 for a search by id). */
  record Timings(double decodeMs, double modelMs, double searchMs) {}

  record SearchResponse(List<Result> results, double tookMs, Timings timings) {}

  static SearchResponse response(SimilaritySearch.Result r, long startNanos) {
    return new SearchResponse(results(r.hits()), millisSince(startNanos),
        new Timings(round2(r.decodeMs()), round2(r.modelMs()), round2(r.searchMs())));
  }

  static List<Result> results(List<Hit> hits) {
    return hits.stream().map(h -> new Result(h.image().id(), h.image().path(), h.distance(), h.image().width(),
        h.image().height(), thumbnailUrl(h.image()))).toList();
  }

  static Group group(DuplicateGroup group) {
    return new Group(group.keeper().id(), group.members().stream().map(h -> {
      ImageRecord r = h.image();
      return new Member(r.id(), r.path(), h.distance(), r.width(), r.height(), r.size(), thumbnailUrl(r));
    }).toList());
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
