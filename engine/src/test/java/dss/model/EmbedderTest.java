package dss.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.util.InvalidSettingException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ONNX Runtime path alone, on the exact tensors PyTorch saw (models/test golden file). */
class EmbedderTest {
  private static Golden golden;
  private static List<float[]> tensors;
  private static Embedder shared;

  @BeforeAll
  static void load() throws Exception {
    golden = Golden.read(TestModels.testModel().resolveSibling("test-model.golden.json"));
    tensors = new ArrayList<>();
    for (Golden.Image image : golden.images()) tensors.add(image.readTensor());
    shared = Embedder.open(TestModels.testModel(), "cpu", 1, 8);
  }

  @AfterAll
  static void close() {
    shared.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 8})
  void matchesPyTorchOnExactTensors(int batch) throws Exception {
    assertTrue(
        golden.images().size() >= 8, "golden file needs at least 8 images to fill a batch of 8");
    try (Embedder embedder = Embedder.open(TestModels.testModel(), "cpu", 1, batch)) {
      float[][] vectors = embedder.embed(tensors);
      assertEquals(tensors.size(), vectors.length);
      for (int i = 0; i < vectors.length; i++) {
        Golden.Image image = golden.images().get(i);
        double cosine = Vectors.cosine(vectors[i], image.embedding());
        assertTrue(cosine >= 0.9999, image.name() + " batch " + batch + ": cosine " + cosine);
        assertEquals(1.0, Vectors.dot(vectors[i], vectors[i]), 1e-5, "unit vector");
      }
    }
  }

  @Test
  void infoComesFromTheManifestAndGraph() {
    ModelInfo info = shared.info();
    assertEquals(new ModelInfo("test-model", "test", 1792, manifestSha256()), info);
    assertEquals("cpu", shared.device());
    assertEquals(8, shared.batchSize());
  }

  /**
   * ORT's own default is one intra-op thread on some VMs: 0 must mean every core, set explicitly.
   */
  @Test
  void zeroThreadsMeansOnePerCore() throws Exception {
    try (Embedder auto = Embedder.open(TestModels.testModel(), "cpu", 0, 1);
        Embedder three = Embedder.open(TestModels.testModel(), "cpu", 3, 1)) {
      assertEquals(Runtime.getRuntime().availableProcessors(), auto.threads());
      assertEquals(3, three.threads());
    }
  }

  private static String manifestSha256() {
    try {
      String json = Files.readString(TestModels.testModel().resolveSibling("test-model.json"));
      return json.replaceAll("(?s).*\"sha256\": \"([0-9a-f]{64})\".*", "$1");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void float16ModelIsConvertedAtTheBoundary(@TempDir Path dir) throws Exception {
    // No manifest beside the copy: name and dimensions come from the graph, the checksum is
    // computed and cached.
    Path model =
        Files.copy(
            TestModels.testModel().resolveSibling("test-model-fp16.onnx"),
            dir.resolve("half.onnx"));
    try (Embedder embedder = Embedder.open(model, "cpu", 1, 3)) {
      assertEquals("half", embedder.info().name());
      assertEquals(1792, embedder.info().dimensions());
      assertTrue(embedder.info().checksum().matches("[0-9a-f]{64}"), embedder.info().checksum());
      assertTrue(
          Files.readString(dir.resolve("half.onnx.sha256")).startsWith(embedder.info().checksum()));
      float[][] vectors = embedder.embed(tensors);
      for (int i = 0; i < vectors.length; i++) {
        double cosine = Vectors.cosine(vectors[i], golden.images().get(i).embedding());
        assertTrue(cosine >= 0.999, golden.images().get(i).name() + ": cosine " + cosine);
      }
    }
  }

  @Test
  void autoFallsBackToCpuAndExplicitCudaFailsClearly() throws Exception {
    String cudaFailure = null;
    try (Embedder cuda = Embedder.open(TestModels.testModel(), "cuda", 1, 1)) {
      assertEquals("cuda:0", cuda.device()); // a machine with working CUDA 12 + cuDNN 9
    } catch (ModelException e) {
      cudaFailure = e.getMessage();
      assertTrue(
          cudaFailure.startsWith("cannot run on cuda:0: ")
              && cudaFailure.contains("choose the cpu or auto device"),
          cudaFailure);
    }
    PrintStream savedErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Embedder opened;
    try {
      opened = Embedder.open(TestModels.testModel(), "auto", 1, 1);
    } finally {
      System.setErr(savedErr);
    }
    try (Embedder auto = opened) {
      assertEquals(cudaFailure == null ? "cuda:0" : "cpu", auto.device());
      List<String> log = err.toString(StandardCharsets.UTF_8).lines().toList();
      if (cudaFailure != null
          && NvidiaDriver.present()) { // a GPU that cannot be used: one line, why
        assertEquals(1, log.size(), log.toString());
        String line = log.get(0);
        assertTrue(
            line.contains("CUDA not usable, running on CPU: ") && line.contains("CUDA 12"), line);
      } else if (cudaFailure
          != null) { // no GPU at all: the CPU is simply the device, nothing to warn about
        assertEquals(List.of(), log);
      }
      double cosine =
          Vectors.cosine(auto.embed(tensors.get(0)), golden.images().get(0).embedding());
      assertTrue(cosine >= 0.9999, "cosine " + cosine);
    }
  }

  @Test
  void oneSessionServesManyThreads() throws Exception {
    float[][] expected = shared.embed(tensors);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<float[][]>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) results.add(pool.submit(() -> shared.embed(tensors)));
      for (Future<float[][]> r : results) {
        float[][] got = r.get();
        for (int i = 0; i < expected.length; i++) assertArrayEquals(expected[i], got[i], 1e-6f);
      }
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void emptyInputGivesNoVectors() throws Exception {
    assertEquals(0, shared.embed(List.of()).length);
  }

  @Test
  void badTensorsAreRefusedNamingTheProblem() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> shared.embed(List.of(tensors.get(0), new float[10])));
    assertEquals("tensor 1 must hold 3*224*224 = 150528 floats, not 10", e.getMessage());
  }

  /**
   * Settings the engine does not take are the caller's mistake, named without the command line's
   * words.
   */
  @Test
  void badSettingsAreInvalidSettings() {
    Path m = TestModels.testModel();
    assertEquals(
        "the device must be auto, cpu, cuda or cuda:N, not 'gpu'",
        assertThrows(InvalidSettingException.class, () -> Embedder.open(m, "gpu", 1, 1))
            .getMessage());
    assertTrue(
        assertThrows(InvalidSettingException.class, () -> Embedder.open(m, "cuda:x", 1, 1))
            .getMessage()
            .contains("not 'cuda:x'"));
    assertEquals(
        "the thread count must be 0 (automatic) or more, not -1",
        assertThrows(InvalidSettingException.class, () -> Embedder.open(m, "cpu", -1, 1))
            .getMessage());
    assertEquals(
        "the batch size must be at least 1, not 0",
        assertThrows(InvalidSettingException.class, () -> Embedder.open(m, "cpu", 1, 0))
            .getMessage());
  }

  @Test
  void badModelFilesAreRefusedNamingTheFile(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.onnx");
    assertEquals(
        missing + ": model file not found",
        assertThrows(ModelException.class, () -> Embedder.open(missing, "cpu", 1, 1)).getMessage());

    Path garbage =
        Files.write(dir.resolve("garbage.onnx"), "not a model".getBytes(StandardCharsets.UTF_8));
    String message =
        assertThrows(ModelException.class, () -> Embedder.open(garbage, "cpu", 1, 1)).getMessage();
    assertTrue(message.startsWith(garbage + ": cannot load the model: "), message);

    Path wrongInput = TestModels.testModel().resolveSibling("bad-input-model.onnx");
    message =
        assertThrows(ModelException.class, () -> Embedder.open(wrongInput, "cpu", 1, 1))
            .getMessage();
    assertTrue(
        message.contains("[-1, 3, 64, 64]") && message.contains("[N, 3, 224, 224]"), message);
  }

  @Test
  void manifestsThatContradictTheGraphAreRefused(@TempDir Path dir) throws Exception {
    Path model = Files.copy(TestModels.testModel(), dir.resolve("m.onnx"));
    Files.writeString(dir.resolve("m.json"), "{\"name\": \"m\", \"dimensions\": 768}");
    assertEquals(
        "the model's output has 1792 dimensions but its manifest says 768",
        assertThrows(ModelException.class, () -> Embedder.open(model, "cpu", 1, 1)).getMessage());

    Files.writeString(dir.resolve("m.json"), "{\"name\": ");
    String message =
        assertThrows(ModelException.class, () -> Embedder.open(model, "cpu", 1, 1)).getMessage();
    assertTrue(message.startsWith(dir.resolve("m.json") + ": not a valid model manifest"), message);
  }

  /**
   * A preemption stops a real ONNX Runtime run (its terminate flag): requested before the run, the
   * run stops at its first operator; the session then runs the next batch normally.
   */
  @Test
  void aRequestedPreemptionStopsTheRunAndTheSessionGoesOn() throws Exception {
    List<float[]> tensors = List.of(tensor(0.25f), tensor(0.75f));
    Preemption stop = new Preemption();
    stop.request();
    assertThrows(ModelException.Preempted.class, () -> shared.embed(tensors, stop));
    float[][] after = shared.embed(tensors, new Preemption());
    float[][] plain = shared.embed(tensors);
    for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], after[i]);
  }

  private static float[] tensor(float value) {
    float[] t = new float[Embedder.TENSOR_SIZE];
    java.util.Arrays.fill(t, value);
    return t;
  }
}
