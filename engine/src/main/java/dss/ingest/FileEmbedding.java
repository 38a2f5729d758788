package dss.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;

/**
 * The ordered embedding of a list of files ({@code embed}, {@code model verify}, the evaluation
 * harness): a {@link BulkJob} whose results reach the caller in input order, although the decode
 * workers finish out of order. Only results that arrived early wait, so memory stays bounded by the
 * run's in-flight limit.
 */
final class FileEmbedding implements BulkJob<Integer, Void> {
  /** Turns a file into the model's input tensor (decode and preprocess), on a decode worker. */
  @FunctionalInterface
  interface Tensors {
    float[] of(Path file) throws Exception;
  }

  private final List<Path> files;
  private final Tensors tensors;
  private final IngestPipeline.FileResults out;
  private final TreeMap<Integer, Runnable> waiting = new TreeMap<>();
  private int next;

  FileEmbedding(List<Path> files, Tensors tensors, IngestPipeline.FileResults out) {
    this.files = files;
    this.tensors = tensors;
    this.out = out;
  }

  @Override
  public void walk(Emitter<Integer> emit) throws InterruptedException {
    for (int i = 0; i < files.size(); i++) emit.item(i);
  }

  @Override
  public String name(Integer i) {
    return files.get(i).toString();
  }

  @Override
  public Step<Void> prepare(Integer i) throws Exception {
    return Step.embed(null, tensors.of(files.get(i)));
  }

  @Override
  public void write(Integer i, Void ignored, float[] vector) {
    inOrder(i, () -> out.accept(i, files.get(i), vector, null));
  }

  @Override
  public void failed(Integer i, String reason) {
    inOrder(i, () -> out.accept(i, files.get(i), null, reason));
  }

  /** Emits this result and any that waited for it, in index order. */
  private void inOrder(int i, Runnable emit) {
    waiting.put(i, emit);
    while (!waiting.isEmpty() && waiting.firstKey() == next) {
      waiting.pollFirstEntry().getValue().run();
      next++;
    }
  }
}
