package dss.search;

import dss.index.ImageRecord;

/** A search result: the image and its DreamSim distance (1 - cosine) to the query. */
public record Hit(ImageRecord image, float distance) {}
