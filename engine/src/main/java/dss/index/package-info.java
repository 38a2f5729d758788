/**
 * The index seam: {@link dss.index.ImageIndex} is everything the rest of the project asks of the place where
 * vectors and records live (open writable or read-only, upsert/delete/commit, point-in-time
 * {@link dss.index.ImageIndex.Snapshot snapshots} with k-NN and path-prefix filters, lookups by id and by content
 * hash, whole-library iteration, a sorted and filtered page of the library ({@link dss.index.ListingQuery}), stats,
 * metadata, a check of what is stored: {@link dss.index.IndexCheck}).
 *
 * <p>Contract: one document per {@link dss.index.ImageRecord#id() id} (a stable hash of the absolute path), so
 * replaying work never duplicates anything; writes are durable and visible at {@code commit()}; distances are
 * DreamSim distances ({@code 1 - cosine}, [0, 2]); an index records the model and the image preprocessing that made
 * its vectors ({@link dss.index.IndexMetadata}, whose keys are part of the on-disk format) and refuses others; a check reports
 * damage in its result (which parts, how to recover: the photos are the source of truth) and never repairs anything.
 * Backends: {@link dss.index.lucene} (embedded, the default). Nothing outside a backend sees its types.
 */
package dss.index;
