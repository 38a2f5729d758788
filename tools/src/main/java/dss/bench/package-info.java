/**
 * Benchmarks ({@code dreamsim bench}): each prints figures for the code the product runs; the
 * scripts under {@code bench/} run the peers (Pillow, plain ONNX Runtime, hnswlib, faiss, wrk) in
 * the same run so that results are quoted as ratios. No test asserts a time. Not part of a
 * production install.
 */
package dss.bench;
