package dss.index;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Wraps an index to record what the layers above ask of it: every k-NN query ({@code knn}, on the
 * index or on its snapshots) and every neighbour query ({@code nearest}: k and candidates). A
 * dynamic proxy, so it follows the interface as it grows; {@code neighboursOf} (the dedup's
 * neighbours of an item) is recorded too. Public: the web tests use it through the engine's
 * test-jar.
 */
public final class RecordingIndex {
  /** The k-NN queries, in order. */
  public final List<KnnQuery> knn = new CopyOnWriteArrayList<>();

  /**
   * The neighbour queries as {k, candidates}; candidates is -1 when the caller asked for the
   * default.
   */
  public final List<int[]> nearest = new CopyOnWriteArrayList<>();

  /** The items whose neighbours were asked of a snapshot ({@code neighboursOf}), in order. */
  public final List<Integer> neighboursOf = new CopyOnWriteArrayList<>();

  /** The recording index: use it in place of the wrapped one. */
  public final ImageIndex index;

  public RecordingIndex(ImageIndex delegate) {
    index = proxy(ImageIndex.class, delegate);
  }

  private <T> T proxy(Class<T> type, T delegate) {
    InvocationHandler handler =
        (p, method, args) -> {
          switch (method.getName()) {
            case "knn" -> knn.add((KnnQuery) args[0]);
            case "nearest" ->
                nearest.add(
                    new int[] {(Integer) args[1], args.length > 2 ? (Integer) args[2] : -1});
            case "neighboursOf" -> neighboursOf.add((Integer) args[0]);
            default -> {}
          }
          Object result;
          try {
            result = method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("snapshot"))
            return proxy(ImageIndex.Snapshot.class, (ImageIndex.Snapshot) result);
          return result;
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
