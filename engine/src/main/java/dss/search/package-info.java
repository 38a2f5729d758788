/**
 * The query API: {@link dss.search.SimilaritySearch} answers every question the command line and
 * the HTTP API ask (an image or an indexed id to hits, positive and negative examples to hits, two
 * images to a distance and its per-branch parts ({@link dss.search.Explained}), an image to its
 * near-duplicates, the library to duplicate groups and to sorted pages); commands and handlers are
 * thin adapters over it.
 *
 * <p>{@link dss.search.Library} is the one factory for it: it opens an index location through its
 * provider, binds the model the index records (through a {@link dss.model.ModelSource} the front
 * end supplies) and the image preprocessing it records, refuses a mismatch, and opens the model
 * only when something needs embedding.
 *
 * <p>Whole-library duplicate groups ({@link dss.search.DuplicateFinder}) use one k-NN query per
 * image through the index, never an n x n matrix; {@link dss.search.DuplicateGrouper} forms groups
 * by complete linkage seeded by the keeper (every pair in a group within the threshold;
 * byte-identical files always together), never putting together images a person dismissed as "not
 * duplicates" ({@link dss.search.Apart}). {@link dss.search.FolderTree} is the library's folder
 * tree relative to its roots (browsing by folder). Depends on the {@code dss.index} interface and
 * {@code dss.ingest}, never on a backend.
 */
package dss.search;
