package dss.index.solr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dss.util.InvalidSettingException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code solr://} locations: seed hosts, context paths, timeouts, and bad input naming the part.
 */
class SolrLocationTest {
  @Test
  void oneHost() {
    SolrLocation where = SolrLocation.parse("solr://127.0.0.1:8983/photos");
    assertEquals(List.of("http://127.0.0.1:8983/solr"), where.baseUrls());
    assertEquals("photos", where.collection());
    assertEquals(SolrLocation.Timeouts.defaults(), where.timeouts());
    assertEquals("solr://127.0.0.1:8983/photos", where.toString());
  }

  @Test
  void severalSeedHostsKeepTheirOrder() {
    SolrLocation where = SolrLocation.parse("solrs://solr2.example:8984,10.0.0.7:8983/ctx/photos");
    assertEquals(
        List.of("https://solr2.example:8984/ctx", "https://10.0.0.7:8983/ctx"), where.baseUrls());
    assertEquals("photos", where.collection());
    assertEquals("solrs://solr2.example:8984,10.0.0.7:8983/ctx/photos", where.toString());
  }

  @Test
  void ipv6Seeds() {
    SolrLocation where = SolrLocation.parse("solr://[::1]:8983,[fe80::2]:8984/photos");
    assertEquals(List.of("http://[::1]:8983/solr", "http://[fe80::2]:8984/solr"), where.baseUrls());
  }

  @Test
  void timeoutsFromTheQuery() {
    SolrLocation where =
        SolrLocation.parse(
            "solr://h1:8983,h2:8983/photos?connect-timeout=2&read-timeout=9&retry=0");
    assertEquals(
        new SolrLocation.Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(9), Duration.ZERO),
        where.timeouts());
    assertEquals(
        "solr://h1:8983,h2:8983/photos?connect-timeout=2&read-timeout=9&retry=0", where.toString());
    SolrLocation partly = SolrLocation.parse("solr://h1:8983/photos?read-timeout=5");
    assertEquals(Duration.ofSeconds(5), partly.timeouts().read());
    assertEquals(SolrLocation.Timeouts.defaults().connect(), partly.timeouts().connect());
  }

  @Test
  void badInputNamesThePart() {
    assertBad("solr://h1:8983,h2/photos", "seed host 2 ('h2') has no port");
    assertBad("solr://h1:8983,h2:99999/photos", "seed host 2 ('h2:99999') has port '99999'");
    assertBad("solr://h1:8983,,h3:1/photos", "seed host 2 ('') has no port");
    assertBad("solr://h1:x/photos", "the host 'h1:x' has port 'x'");
    assertBad("solr://h_1:8983/photos", "the host 'h_1:8983' is not a host name");
    assertBad("solr://h1:8983,h1:8983/photos", "seed host 'h1:8983' is given twice");
    assertBad("solr://h1:8983", "the collection is missing");
    assertBad("solr://h1:8983/", "the collection is missing");
    assertBad("solr:h1:8983/photos", "'//' missing");
    assertBad("solr:///photos", "no HOST:PORT given");
    assertBad("solr://h1:8983/pho tos", "the collection name 'pho tos'");
    assertBad("solr://h1:8983/photos?timeout=3", "unknown parameter 'timeout'");
    assertBad(
        "solr://h1:8983/photos?read-timeout=0", "read-timeout='0' is not a number of seconds");
    assertBad("solr://h1:8983/photos?retry=-1", "retry='-1' is not a number of seconds");
    assertBad("solr://h1:8983/photos?connect-timeout=soon", "connect-timeout='soon'");
  }

  private static void assertBad(String location, String part) {
    InvalidSettingException e =
        assertThrows(InvalidSettingException.class, () -> SolrLocation.parse(location), location);
    assertTrue(e.getMessage().contains(part), location + " -> " + e.getMessage());
    assertTrue(
        e.getMessage().contains(location), "the message quotes the location: " + e.getMessage());
  }
}
