package dss.model;

/**
 * Where the model of an index comes from. A front end implements it from its settings (which
 * variant, which device, whether a missing model may be fetched); the engine asks it once per
 * index, with what the index recorded.
 */
@FunctionalInterface
public interface ModelSource {
  /**
   * The model to embed with for an index that recorded {@code recorded} (null: no index yet, or a
   * use without one), opened only when something needs embedding. Of a variant's installed files
   * (float32, int8, float16) it is the one whose checksum the index recorded; a model that is not
   * installed yet is bound to {@code recorded} ({@link LazyEmbedder#requireBinding}) so that, once
   * fetched, another one is refused.
   */
  LazyEmbedder forIndex(ModelInfo recorded) throws ModelException;
}
