package dss.web;

import dss.index.KnnOptions;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.validation.ValidationError;
import io.javalin.validation.ValidationException;

/**
 * Query parameters through Javalin's validators (never multipart fields: those are parsed only
 * behind {@link Uploads}, which turns a malformed body into a 400): a bad value is a 400 naming the
 * parameter, what is allowed and the value given.
 */
final class Params {
  static final int DEFAULT_K = 20;
  static final int MAX_K = 1000;

  private Params() {}

  /** {@code k}: how many results, 1..1000, default 20. */
  static int k(Context ctx) {
    return intParam(ctx, "k", DEFAULT_K, 1, MAX_K);
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    if (blank(ctx.queryParam(name))) return fallback;
    try {
      return ctx.queryParamAsClass(name, Integer.class)
          .check(v -> v >= min && v <= max, name + " must be between " + min + " and " + max)
          .get();
    } catch (ValidationException e) {
      throw new BadRequestResponse(message(e, "an integer"));
    }
  }

  /** A DreamSim distance (0..2, since distance = 1 - cosine), or null when absent. */
  static Float distance(Context ctx, String name) {
    if (blank(ctx.queryParam(name))) return null;
    try {
      return ctx.queryParamAsClass(name, Float.class)
          .check(
              v -> v >= 0f && v <= 2f, name + " is a DreamSim distance and must be between 0 and 2")
          .get();
    } catch (ValidationException e) {
      throw new BadRequestResponse(message(e, "a number"));
    }
  }

  /**
   * The message of a refused parameter (Javalin's validators): the parameter, the rule it broke, a
   * prefix of the value given.
   */
  private static String message(ValidationException e, String kind) {
    var first = e.getErrors().entrySet().iterator().next();
    ValidationError<Object> error = first.getValue().get(0);
    String given = ErrorMapping.clip(String.valueOf(error.value));
    if (error.getMessage().equals("TYPE_CONVERSION_FAILED")) {
      return first.getKey() + " must be " + kind + ", got '" + given + "'";
    }
    return error.getMessage() + ", got " + given;
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /**
   * {@code k}, {@code max_distance}, {@code path_prefix} and {@code candidates} (k..10000, default
   * {@link KnnOptions#defaultCandidates} for the library searched) as k-NN options (the query API
   * adds the vector).
   */
  static KnnOptions knnOptions(Context ctx) {
    int k = k(ctx);
    int candidates =
        intParam(ctx, "candidates", KnnOptions.LIBRARY_DEFAULT, 1, KnnOptions.MAX_CANDIDATES);
    if (candidates != KnnOptions.LIBRARY_DEFAULT && candidates < k)
      throw new BadRequestResponse("candidates must be at least k (" + k + "), got " + candidates);
    return new KnnOptions(k, distance(ctx, "max_distance"), string(ctx, "path_prefix"), candidates);
  }

  static String string(Context ctx, String name) {
    String raw = ctx.queryParam(name);
    return blank(raw) ? null : raw;
  }
}
