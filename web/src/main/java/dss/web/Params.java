package dss.web;

import dss.index.KnnQuery;
import io.javalin.http.Context;

/**
 * Query parameters, validated (never multipart fields: those are parsed only behind {@link Uploads}, which turns
 * a malformed body into a 400): a bad value is a 400 naming the parameter, the value and what is allowed. */
final class Params {
  static final int DEFAULT_K = 20;
  static final int MAX_K = 1000;

  private Params() {}

  /** {@code k}: how many results, 1..1000, default 20. */
  static int k(Context ctx) {
    return intParam(ctx, "k", DEFAULT_K, 1, MAX_K);
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return fallback;
    int value;
    try {
      value = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be an integer, got '" + clip(raw) + "'");
    }
    if (value < min || value > max) {
      throw ApiException.badRequest(name + " must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** A DreamSim distance (0..2, since distance = 1 - cosine), or null when absent. */
  static Float distance(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    if (raw == null || raw.isBlank()) return null;
    float value;
    try {
      value = Float.parseFloat(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(name + " must be a number, got '" + clip(raw) + "'");
    }
    if (!(value >= 0f && value <= 2f)) {
      throw ApiException.badRequest(name + " is a DreamSim distance and must be between 0 and 2, got " + raw.trim());
    }
    return value;
  }

  /**
   * {@code k}, {@code max_distance}, {@code path_prefix} and {@code candidates} (k..10000, default
   * {@link KnnQuery#defaultCandidates}) as k-NN options (the query API adds the vector).
   */
  static KnnQuery knnOptions(Context ctx) {
    int k = k(ctx);
    int candidates = intParam(ctx, "candidates", KnnQuery.defaultCandidates(k), 1, KnnQuery.MAX_CANDIDATES);
    if (candidates < k) throw ApiException.badRequest("candidates must be at least k (" + k + "), got " + candidates);
    return KnnQuery.options(k, distance(ctx, "max_distance"), string(ctx, "path_prefix"), candidates);
  }

  static String string(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    return raw == null || raw.isBlank() ? null : raw;
  }

  /** Echoes at most 40 characters of a bad value back to the client. */
  private static String clip(String raw) {
    return raw.length() <= 40 ? raw : raw.substring(0, 40) + "...";
  }
}
