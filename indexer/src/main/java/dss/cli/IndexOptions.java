package dss.cli;

import dss.index.ImageIndex;
import dss.index.IndexProvider;
import dss.model.ModelException;
import dss.search.Library;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --index}: which index a command works on. The backend is the {@link IndexProvider} that
 * takes the location (a folder for the embedded index, {@code solr://HOST:PORT/COLLECTION} for a
 * SolrCloud collection, or whatever another provider on the class path takes); nothing here knows
 * one backend from another. A new index takes the command's {@code --shards} and {@code --replicas}
 * ({@link CollectionOptions}) when it has them.
 */
public final class IndexOptions {
  @Option(
      names = "--index",
      paramLabel = "DIR|solr://HOST:PORT/COLLECTION",
      description =
          "Index directory (default: index-data/), or a SolrCloud collection: solr://HOST:PORT[,HOST:PORT...]/COLLECTION[?connect-timeout=S&read-timeout=S&retry=S] (see docs/cluster.md).")
  String index;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The location given, or the default index folder. */
  String location() {
    return index != null ? index : Workspace.defaultIndex().toString();
  }

  /** The backend of the location; a usage error when no backend takes it. */
  IndexProvider provider() throws IOException {
    return IndexProvider.of(location());
  }

  /** The location as messages and records name it (a folder: absolute). */
  String canonical() throws IOException {
    return provider().canonical(location());
  }

  /**
   * The local folder of the index: the index itself, or where the server keeps files beside a
   * remote one.
   */
  Path dir() throws IOException {
    return provider().localFolder(location(), Workspace.root());
  }

  /** An existing index, read-only (works while another process writes it); no model involved. */
  ImageIndex openReadOnly() throws IOException {
    return provider().openReadOnly(location());
  }

  /** The index bound to its model ({@link Library}). */
  Library open(Library.Access access, ModelOptions model, Library.Options options)
      throws IOException, ModelException {
    return Library.open(location(), access, model, options.withLayout(layout()));
  }

  /**
   * The command's {@code --shards} / {@code --replicas} when it has them (index, cluster create),
   * else 1.
   */
  IndexProvider.Layout layout() {
    return new IndexProvider.Layout(option("--shards"), option("--replicas"));
  }

  private int option(String name) {
    OptionSpec option = command == null ? null : command.findOption(name);
    return option == null || option.getValue() == null ? 1 : option.<Integer>getValue();
  }
}
