package dss.cli;

import dss.index.IndexBackup;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dreamsim backup}: a consistent, checked copy of an index's last commit, also while it is
 * being written.
 */
@Command(
    name = "backup",
    sortOptions = false,
    description = {
      "Copy the last commit of an index into the new folder DEST, also while a server or an indexer "
          + "writes the index, then check the copy in full. Files are hard-linked when DEST is on the same file system "
          + "(index files never change once written), else copied. Prints {\"index\", \"backup\", \"commit\", "
          + "\"documents\", \"files\", \"linked\", \"copied\", \"bytes\", \"attempts\", \"check\"}; exit 1 when the copy "
          + "fails its check.",
      "Restore: point --index at DEST, or move DEST into the index's place (with nothing writing the index)."
    })
final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin IndexOptions indexOptions;

  @Parameters(paramLabel = "DEST", description = "A new folder for the copy (it must not exist).")
  Path dest;

  @Option(
      names = "--copy",
      description =
          "Copy every file, even on the same file system: a backup that shares no "
              + "bytes with the index (to survive damage to the disk's blocks, or to be moved to another disk).")
  boolean copy;

  @Override
  public Integer call() throws Exception {
    IndexBackup b = indexOptions.provider().backup(indexOptions.location(), dest, copy);
    spec.commandLine().getOut().println(JsonOut.line(b));
    spec.commandLine().getOut().flush();
    if (!b.check().healthy()) {
      spec.commandLine()
          .getErr()
          .println(
              spec.qualifiedName()
                  + ": "
                  + Terminal.safe(
                      "the copy at "
                          + b.backup()
                          + " fails its check, so the index it was copied from is damaged too: "
                          + b.check().summary()));
      return 1;
    }
    return 0;
  }
}
