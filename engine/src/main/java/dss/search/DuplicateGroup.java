package dss.search;

import dss.index.Hit;
import dss.index.ImageRecord;
import java.util.List;

/**
 * Near-duplicates of one keeper: {@code members} starts with the keeper (distance 0), distances are
 * to the keeper.
 */
public record DuplicateGroup(ImageRecord keeper, List<Hit> members) {}
