package dss.ingest;

import dss.model.LazyEmbedder;
import dss.model.ModelException;
import dss.model.Preemption;
import java.util.List;

/**
 * What the {@link ModelStage} needs of a model: a batch of preprocessed tensors in, one unit vector
 * per tensor out, in the same order. The ONNX session ({@link #of(LazyEmbedder)}) in the product; a
 * small fake in unit tests of the stage and the bulk run.
 */
public interface BatchEmbedder {
  /** The most tensors one {@link #embed} call takes. */
  int batchSize();

  /** Called on the model thread only, one batch at a time. */
  float[][] embed(List<float[]> tensors) throws ModelException;

  /**
   * {@link #embed(List)} that {@code preemption} may stop ({@link ModelException.Preempted}); a
   * model that cannot be stopped runs to the end.
   */
  default float[][] embed(List<float[]> tensors, Preemption preemption) throws ModelException {
    return embed(tensors);
  }

  /** The model session, opened by the first batch. */
  static BatchEmbedder of(LazyEmbedder model) {
    return new BatchEmbedder() {
      @Override
      public int batchSize() {
        return model.batchSize();
      }

      @Override
      public float[][] embed(List<float[]> tensors) throws ModelException {
        return model.get().embed(tensors);
      }

      @Override
      public float[][] embed(List<float[]> tensors, Preemption preemption) throws ModelException {
        return model.get().embed(tensors, preemption);
      }
    };
  }
}
