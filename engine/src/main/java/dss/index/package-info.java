/**
 * The index seam: {@link dss.index.ImageIndex} is everything the rest of the project asks of the
 * place where vectors and records live (open writable or read-only, upsert/delete/commit,
 * point-in-time {@link dss.index.ImageIndex.Snapshot snapshots} with k-NN and path-prefix filters,
 * lookups by id and by content hash, whole-library iteration, a sorted and filtered page of the
 * library ({@link dss.index.ListingQuery}), stats, metadata, a check of what is stored: {@link
 * dss.index.IndexCheck}, repeated while serving by {@link dss.index.IndexVerifier}).
 *
 * <p>Backends are {@link dss.index.IndexProvider}s found with {@link java.util.ServiceLoader} by
 * the form of an index's location (a folder: {@link dss.index.lucene}, the default; {@code
 * solr://}: {@link dss.index.solr}). Checking an index that cannot be opened and backing one up are
 * optional capabilities of a provider. Adding a backend is implementing the provider and the
 * interface and subclassing the contract suite ({@code ImageIndexTestCase} in the engine's test
 * jar); nothing above this package changes.
 *
 * <p>Contract: one document per {@link dss.index.ImageRecord#id() id} (a stable hash of the
 * absolute path), so replaying work never duplicates anything; writes are durable and visible at
 * {@code commit()} (and closing a writable index commits); the record's fields are one list ({@link
 * dss.index.RecordField}) that every backend stores; distances are DreamSim distances ({@code 1 -
 * cosine}, [0, 2]; from a dot-product score by {@link dss.index.Hit#distanceOfScore}); hits have
 * one total order ({@link dss.index.HitOrder}: distance, the query's own image, id) in every
 * backend; {@code candidates} reach every backend's search; an index records the model and the
 * image preprocessing that made its vectors ({@link dss.index.IndexMetadata}, whose keys are part
 * of the on-disk format) and refuses others; a check reports damage in its result (which parts, how
 * to recover: the photos are the source of truth) and never repairs anything. Messages name no
 * command or option of a front end: exception types ({@link dss.index.IndexException} and its
 * subclasses) let a front end add its own advice. Nothing outside a backend sees its types.
 */
package dss.index;
