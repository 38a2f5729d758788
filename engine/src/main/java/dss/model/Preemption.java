package dss.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * Lets another thread stop a model run between two of its operators (ONNX Runtime's terminate
 * flag). The model stage gives one to each run of bulk work and stops it when a person's request
 * arrives, so that the request waits for one operator instead of a whole batch; the stopped work
 * runs again afterwards. One per run; a request before the run starts stops it at once.
 */
public final class Preemption {
  private boolean requested;
  private OrtSession.RunOptions running; // the run's options while the run is on

  /** Stops the run (or the next one this is given to). Any thread. */
  public synchronized void request() {
    requested = true;
    if (running != null) terminate(running);
  }

  public synchronized boolean requested() {
    return requested;
  }

  synchronized void attach(OrtSession.RunOptions options) {
    running = options;
    if (requested) terminate(options);
  }

  synchronized void detach() {
    running = null;
  }

  private static void terminate(OrtSession.RunOptions options) {
    try {
      options.setTerminate(true);
    } catch (OrtException e) {
      throw new IllegalStateException("cannot set ONNX Runtime's terminate flag", e);
    }
  }
}
