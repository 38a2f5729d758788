package dss.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.image.ImagePipeline;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole Java path (image files -> ImagePipeline -> Embedder) against PyTorch with DreamSim's
 * preprocess.
 */
class GoldenPipelineTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void javaPipelineMatchesPyTorchGolden(int batch) throws Exception {
    Golden golden = Golden.read(TestModels.testModel().resolveSibling("test-model.golden.json"));
    ImagePipeline pipeline = new ImagePipeline();
    List<float[]> tensors = new ArrayList<>();
    for (Golden.Image image : golden.images()) tensors.add(pipeline.prepare(image.file()).tensor());
    try (Embedder embedder = Embedder.open(TestModels.testModel(), "cpu", 1, batch)) {
      float[][] vectors = embedder.embed(tensors);
      for (int i = 0; i < vectors.length; i++) {
        Golden.Image image = golden.images().get(i);
        double cosine = Vectors.cosine(vectors[i], image.embedding());
        assertTrue(cosine >= 0.99, image.name() + " at batch " + batch + ": cosine " + cosine);
      }
    }
  }
}
