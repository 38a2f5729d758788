package dss.eval;

import dss.image.ImageException;
import dss.image.ImagePipeline;
import dss.model.Embedder;
import dss.model.ModelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Embeds the images of an evaluation set: decodes a batch in parallel, runs the model on it. A file that cannot be
 * decoded is recorded as a failure (path and reason) and left out; the others go on.
 */
public final class ImageEmbeddings {
  private ImageEmbeddings() {}

  public record Failure(String path, String error) {}

  /** Vectors by path, in input order, for the files that could be embedded; failures are added to {@code failed}. */
  public static Map<Path, float[]> embed(ImagePipeline pipeline, Embedder embedder, List<Path> files,
                                         List<Failure> failed, Consumer<String> progress) throws ModelException {
    record Prepared(Path file, float[] tensor, String error) {}
    Map<Path, float[]> out = new LinkedHashMap<>();
    int batch = Math.max(1, embedder.batchSize());
    for (int start = 0; start < files.size(); start += batch) {
      List<Prepared> prepared = files.subList(start, Math.min(files.size(), start + batch)).parallelStream()
          .map(file -> {
            try {
              return new Prepared(file, pipeline.prepare(file).tensor(), null);
            } catch (ImageException e) {
              return new Prepared(file, null, e.reason());
            } catch (RuntimeException e) { // a decoder bug must not stop the evaluation
              return new Prepared(file, null, "cannot decode: " + e);
            }
          }).toList();
      List<float[]> tensors = new ArrayList<>();
      for (Prepared p : prepared) {
        if (p.error() != null) failed.add(new Failure(p.file().toString(), p.error()));
        else tensors.add(p.tensor());
      }
      float[][] vectors = embedder.embed(tensors);
      int v = 0;
      for (Prepared p : prepared) if (p.error() == null) out.put(p.file(), vectors[v++]);
      progress.accept("embedded " + Math.min(files.size(), start + batch) + "/" + files.size());
    }
    return out;
  }
}
