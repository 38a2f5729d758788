/**
 * The evaluation harness ({@code dreamsim eval}): agreement with human 2AFC judgments on the NIGHTS
 * layout ({@link dss.eval.TwoAfc}, scored as DreamSim's own evaluation), duplicate-threshold
 * calibration ({@link dss.eval.DedupEval}, the engine's grouping rule on exact neighbours),
 * retrieval quality ({@link dss.eval.RetrievalEval}) and the copy-set builder ({@link
 * dss.eval.CopySetBuilder}). Images are embedded through the same ingest pipeline as the library.
 * Not part of a production install.
 */
package dss.eval;
