/**
 * The query API: {@link dss.search.SimilaritySearch} answers every question the command line and the HTTP API ask
 * (an image or an indexed id to hits, positive and negative examples to hits, two images to a distance and its
 * per-branch parts ({@link dss.search.Explained}), an image to its near-duplicates, the library to duplicate groups
 * and to sorted pages); commands and handlers are thin adapters over it.
 *
 * <p>Whole-library duplicate groups ({@link dss.search.DuplicateFinder}) use one k-NN query per image through the
 * index, never an n x n matrix; {@link dss.search.DuplicateGrouper} forms groups by complete linkage seeded by the
 * keeper (every pair in a group within the threshold; byte-identical files always together). Depends on the
 * {@code dss.index} interface and {@code dss.ingest}, never on a backend.
 */
package dss.search;
