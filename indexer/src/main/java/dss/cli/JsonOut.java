package dss.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.UncheckedIOException;

/**
 * One JSON document per line on stdout: the CLI's machine-readable output. Null fields are left
 * out; record fields are snake_case ({@code runtimeCosine} prints as {@code runtime_cosine}), as in
 * the HTTP API. Map keys are written as given: name them in snake_case.
 */
public final class JsonOut {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  private JsonOut() {}

  public static String line(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // our own records always serialise
    }
  }
}
