package dss.index.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dss.index.RecordField;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The shipped managed schema declares every record field ({@link RecordField}, the one list) as a
 * stored field of the right type, and nothing that no code writes.
 */
class ConfigSetSchemaTest {
  @Test
  void theSchemaStoresEveryRecordFieldAndOnlyFieldsInUse() throws Exception {
    Map<String, Element> fields = new HashMap<>();
    try (InputStream in = SolrIndex.class.getResourceAsStream("configset/managed-schema.xml")) {
      assertNotNull(in, "the configset is on the class path");
      NodeList nodes =
          DocumentBuilderFactory.newInstance()
              .newDocumentBuilder()
              .parse(in)
              .getElementsByTagName("field");
      for (int i = 0; i < nodes.getLength(); i++) {
        Element e = (Element) nodes.item(i);
        fields.put(e.getAttribute("name"), e);
      }
    }
    for (RecordField f : RecordField.values()) {
      Element declared = fields.remove(f.key());
      assertNotNull(declared, "the schema declares " + f.key());
      assertEquals("true", declared.getAttribute("stored"), f.key() + " is stored");
      String type =
          switch (f.kind()) {
            case STRING -> "string";
            case INT -> "pint";
            case LONG -> "plong";
          };
      assertEquals(type, declared.getAttribute("type"), f.key());
    }
    // what the backend adds: the searched vector, its stored copy, the metadata document, Solr's
    // own version, the capture date's sort key (undated images have none and sort last)
    Element taken = fields.get("sort_taken");
    assertNotNull(taken, "the schema declares sort_taken");
    assertEquals("true", taken.getAttribute("docValues"), "sort_taken is sortable");
    assertEquals(
        java.util.Set.of("vector", "vector_bytes", "metadata", "_version_", "sort_taken"),
        fields.keySet());
  }
}
