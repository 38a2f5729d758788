/**
 * The scale-out backend of {@link dss.index.ImageIndex}: a SolrCloud collection ({@link
 * dss.index.solr.SolrIndex}), for {@code solr://} locations ({@link
 * dss.index.solr.SolrIndexProvider}), spoken to over HTTP + JSON with {@code java.net.http} and
 * Jackson only (no Solr jar in the engine: Solr 9 embeds Lucene 9, the engine Lucene 10).
 *
 * <p>Contract, as for every backend: one document per id, writes durable and visible at {@code
 * commit()} (a hard commit), DreamSim distances (from Solr's dot-product score, {@code 2 * (1 -
 * score)}), the one hit order, the candidates asked for ({@code topK} on every shard), the model
 * recorded in the collection (a metadata document) and another model refused. What differs from the
 * embedded index: a snapshot is not a point-in-time reader (see {@link
 * dss.index.solr.SolrSnapshot}); there is no single-writer lock; vectors are float32 only. The
 * configset ({@code configset/solrconfig.xml}, {@code configset/managed-schema.xml} in this
 * package's resources) is uploaded by the engine when it creates a collection ({@link
 * dss.index.solr.SolrConfigSet}), so a real Solr 9.10+ cluster needs nothing installed; a test
 * checks that its schema stores every record field. Requests fail over to other live nodes with
 * back-off ({@link dss.index.solr.SolrHttp}); a cluster that does not answer is an error naming its
 * URL.
 */
package dss.index.solr;
