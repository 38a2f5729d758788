package dss.index;


/** A search result: the image and its DreamSim distance (1 - cosine) to the query. */
public record Hit(ImageRecord image, float distance) {}
