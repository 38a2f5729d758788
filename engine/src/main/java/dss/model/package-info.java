/**
 * Step 2 of the data flow: preprocessed tensors become DreamSim embeddings.
 *
 * <p>{@link dss.model.Embedder} is one ONNX Runtime session (CUDA when usable, else CPU; intra-op
 * threads default to one per core) for any model that follows the model contract: input float32 (or
 * float16) {@code [N, 3, 224, 224]} RGB in [0, 1], output {@code [N, D]}. Outputs are
 * L2-normalised, so the DreamSim distance is {@code 1 - dot} ({@link dss.model.Vectors}). {@link
 * dss.model.Models} turns a variant name into a file under a models folder the caller gives; {@link
 * dss.model.ModelManifest} and {@link dss.model.Golden} read the files the export writes beside
 * each model; {@link dss.model.GoldenComparison} computes the figures and {@link
 * dss.model.ExportVerification} the verdict (is an export faithful to PyTorch?) from them. {@link
 * dss.model.ModelInfo} (name, dimensions, checksum) is what an index records to refuse vectors of
 * another model. {@link dss.model.LazyEmbedder} opens (and, for a model not yet installed, fetches)
 * the model only when something needs embedding; {@link dss.model.ModelSource} is how a front end
 * hands the engine the model an index asks for. Messages name no command or option of a front end
 * ({@link dss.model.ModelException.NotInstalled} carries the missing variant; {@link
 * dss.util.InvalidSettingException} a device, thread or batch setting the engine does not take).
 */
package dss.model;
