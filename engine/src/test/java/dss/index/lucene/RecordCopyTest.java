package dss.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dss.index.ImageRecord;
import java.io.IOException;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

/**
 * The doc values copy of a record that the k-NN call and the listing read: every field survives,
 * optional ones absent or present, and an unknown encoding is an error rather than a wrong record.
 */
class RecordCopyTest {
  private static final String HASH = "ab".repeat(32);

  @Test
  void everyFieldSurvivesWithOrWithoutTheOptionalOnes() throws IOException {
    ImageRecord bare =
        new ImageRecord(
            "id1", "/photos/a b/é.jpg", HASH, 12_345_678_901L, -5L, 4000, 3000, "jpeg", 1L);
    assertEquals(bare, IndexSchema.decode(IndexSchema.encode(bare)));
    ImageRecord full =
        new ImageRecord(
            "id2",
            "/photos/x.heic",
            HASH,
            1L,
            1_700_000_000_000L,
            1,
            2,
            "heif",
            Long.MAX_VALUE,
            "2019-05-01T10:00:00+02:00",
            "Canon",
            "Canon EOS 40D",
            2);
    assertEquals(full, IndexSchema.decode(IndexSchema.encode(full)));
  }

  @Test
  void anUnknownEncodingIsRefused() {
    BytesRef bytes =
        IndexSchema.encode(new ImageRecord("id", "/p.jpg", HASH, 1L, 1L, 1, 1, "jpeg", 1L));
    bytes.bytes[bytes.offset] = 9;
    assertThrows(IOException.class, () -> IndexSchema.decode(bytes));
  }
}
