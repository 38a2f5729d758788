package dss.web;

import dss.image.ImageException;
import dss.model.ModelException;

/** Turns uploads into query vectors through the shared model, recording decode and model time. */
final class QueryImages {
  private final Library library;
  private final Metrics metrics;

  QueryImages(Library library, Metrics metrics) {
    this.library = library;
    this.metrics = metrics;
  }

  Library.Embedded embed(Uploads.Upload upload) throws ImageException, ModelException {
    Library.Embedded embedded = library.embed(upload.bytes(), upload.name());
    metrics.embedding(embedded.decodeMs(), embedded.modelMs());
    return embedded;
  }
}
