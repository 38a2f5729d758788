package dss.web;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The JUnit extension that builds test servers and closes them after the test (or, {@link
 * #perClass()} in a static field, after the class): {@code @RegisterExtension final TestServers
 * servers = new TestServers();} then {@code servers.builder(tmp).token(TestServer.TOKEN).start()}.
 */
final class TestServers implements AfterEachCallback, AfterAllCallback {
  private final List<TestServer> started = new ArrayList<>();
  private final boolean perClass;

  /** Closes its servers after each test. */
  TestServers() {
    this(false);
  }

  private TestServers(boolean perClass) {
    this.perClass = perClass;
  }

  /** For a static field: closes its servers after the whole class. */
  static TestServers perClass() {
    return new TestServers(true);
  }

  /** A builder whose servers this extension closes. */
  TestServer.Builder builder(Path tmp) {
    return new TestServer.Builder(tmp, started);
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) closeAll();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    closeAll();
  }

  private void closeAll() throws Exception {
    Exception first = null;
    for (TestServer server : started.reversed()) {
      try {
        server.close();
      } catch (Exception e) {
        if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    started.clear();
    if (first != null) throw first;
  }
}
