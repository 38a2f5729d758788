package dss.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dss.index.ImageIndex;
import dss.index.ImageRecord;
import dss.index.lucene.LuceneIndex;
import dss.review.QuarantineLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos family's quarantine member (next to {@link ChaosTest}'s indexer kills): a real {@code
 * serve} process moving a 300-file batch into quarantine is killed with SIGKILL at random points,
 * many times, with and without {@code --library}; the next start settles what the kill left.
 *
 * <p>Checked after each kill and restart, on the files, the log and the index (never on timing):
 * every file is exactly once in the library or the quarantine, bytes intact; every file in the
 * quarantine is the destination of exactly one logged move with a move id, and no intent is left
 * without an outcome; the index holds exactly the files left in the library. The kill points are
 * random delays (a fixed seed) after the intents reach the log, one in each slice of the moving
 * phase of an uninterrupted batch (measured in the first trial), and for every fifth trial after
 * the request (before the intents); the test reports how many kills landed mid-batch.
 */
class QuarantineChaosTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "chaos-token";
  private static final int BATCH = 300;
  private static final int TRIALS = Integer.getInteger("dss.chaos.quarantineTrials", 10);

  @TempDir Path tmp;

  @Test
  void killedBatchesLeaveEveryFileOnceTheLogCompleteAndTheIndexAgreeing() throws Exception {
    Path lib = tmp.resolve("lib");
    Path quarantine = tmp.resolve("quarantine");
    Path index = tmp.resolve("index");
    Path pristine = tmp.resolve("index-pristine");
    // one picture in 301 files (one duplicate group), in three folders
    Path first = lib.resolve("a/p0.png");
    IndexCommandTest.image(first, 7);
    byte[] bytes = Files.readAllBytes(first);
    for (int i = 1; i <= BATCH; i++) {
      Path f = lib.resolve((char) ('a' + i % 3) + "/p" + i + ".png");
      Files.createDirectories(f.getParent());
      Files.write(f, bytes);
    }
    CliRun indexed =
        CliRun.of("index", "--index", index.toString(), "--model", "test", lib.toString());
    assertEquals(0, indexed.status(), indexed.err());
    copyIndex(index, pristine);
    Set<String> all = libraryFiles(lib);
    assertEquals(BATCH + 1, all.size());
    String keeper = ImageRecord.idFor(first.toAbsolutePath().toString());
    List<String> ids = new ArrayList<>();
    for (String f : all) {
      String id = ImageRecord.idFor(lib.resolve(f).toAbsolutePath().toString());
      if (!id.equals(keeper)) ids.add(id);
    }
    String body =
        "{\"keep\": \"" + keeper + "\", \"move\": [\"" + String.join("\", \"", ids) + "\"]}";

    Random random = new Random(26);
    Path logFile = quarantine.resolve(QuarantineLog.FILE_NAME);
    long intentsAfter = 0; // ms from the request to the intents on disk, in the uninterrupted batch
    long movesTook =
        0; // ms from the intents on disk to the answer: the moves, the commit, outcomes
    int midBatch = 0;
    for (int trial = 0; trial < TRIALS; trial++) {
      boolean library = trial % 2 == 1;
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--index",
                  index.toString(),
                  "--model",
                  "test",
                  "--port",
                  "0",
                  "--token",
                  TOKEN,
                  "--quarantine",
                  quarantine.toString()));
      if (library) args.addAll(List.of("--library", lib.toString(), "--rescan-minutes", "600"));
      // most kills land between the intents and the outcomes (where a crash can do harm); some
      // before the intents are on disk
      boolean early = trial % 5 == 4;
      // stratified: the k-th kill after the intents lands in the k-th slice of the moving phase
      int slices = TRIALS - 1 - TRIALS / 5; // the trials after the first, less the early ones
      int slice = trial - 1 - (trial + 1) / 5;
      double u = random.nextDouble();
      long delay =
          trial == 0
              ? -1
              : early
                  ? (long) (u * 1.2 * intentsAfter)
                  : (long) ((slice + u) / slices * 1.2 * movesTook);
      try (ServeProcess serve =
          ServeProcess.start(tmp.resolve("serve-" + trial + ".log"), args.toArray(String[]::new))) {
        String url = JSON.readTree(serve.firstLine).get("url").asText();
        long t0 = System.nanoTime();
        CompletableFuture<HttpResponse<String>> answer = post(url + "api/quarantine", body);
        if (trial == 0) {
          awaitIntents(logFile, answer);
          intentsAfter = Math.max(1, (System.nanoTime() - t0) / 1_000_000);
          long t1 = System.nanoTime();
          HttpResponse<String> done = answer.get();
          movesTook = Math.max(1, (System.nanoTime() - t1) / 1_000_000);
          assertEquals(200, done.statusCode(), done.body());
          assertEquals(BATCH, JSON.readTree(done.body()).get("moves").size(), done.body());
          System.out.println(
              "QuarantineChaosTest: uninterrupted, the intents were on disk after "
                  + intentsAfter
                  + " ms, the answer "
                  + movesTook
                  + " ms later");
        } else {
          if (!early) awaitIntents(logFile, answer);
          Thread.sleep(delay);
          serve.kill();
        }
      }
      // the next start settles what the kill left (without --library: nothing else touches the
      // index), then stops cleanly
      try (ServeProcess restart =
          ServeProcess.start(
              tmp.resolve("restart-" + trial + ".log"),
              "--index",
              index.toString(),
              "--model",
              "test",
              "--port",
              "0",
              "--quarantine",
              quarantine.toString())) {
        assertTrue(restart.firstLine.startsWith("{\"url\""), restart.firstLine + restart.log());
      }
      String what =
          "trial "
              + trial
              + (library ? " with --library" : "")
              + (trial == 0
                  ? ", not killed"
                  : ", killed " + delay + " ms after " + (early ? "the request" : "the intents"));
      int moved = check(lib, quarantine, index, all, bytes, what);
      if (moved > 0 && moved < BATCH) midBatch++;
      System.out.println(
          "QuarantineChaosTest: "
              + what
              + ": "
              + moved
              + " of "
              + BATCH
              + " files in quarantine after the restart");
      reset(lib, quarantine, index, pristine);
    }
    System.out.println(
        "QuarantineChaosTest: " + midBatch + " of " + (TRIALS - 1) + " kills landed mid-batch");
  }

  /**
   * Asserts the invariants on the files, the log and the index; returns the number of files in
   * quarantine.
   */
  private static int check(
      Path lib, Path quarantine, Path index, Set<String> all, byte[] bytes, String trial)
      throws Exception {
    List<QuarantineLog.Entry> log = new QuarantineLog(quarantine).entries();
    Map<String, String> intents = new HashMap<>(); // move id -> event
    Map<String, QuarantineLog.Entry> moves = new HashMap<>(); // destination -> outcome
    Set<String> settled = new HashSet<>();
    for (QuarantineLog.Entry e : log) {
      assertTrue(e.moveId() != null && !e.moveId().isBlank(), trial + ": an entry without move id");
      switch (e.event()) {
        case "move-intent" -> intents.put(e.moveId(), e.event());
        case "move" -> {
          settled.add(e.moveId());
          assertEquals(null, moves.put(e.to(), e), trial + ": two moves to " + e.to());
        }
        case "move-rolled-back" -> settled.add(e.moveId());
        default -> throw new AssertionError(trial + ": unexpected event " + e.event());
      }
    }
    assertEquals(intents.keySet(), settled, trial + ": every intent has its outcome");

    Set<String> inLibrary = libraryFiles(lib);
    Set<String> inQuarantine = new TreeSet<>();
    try (Stream<Path> files = Files.walk(quarantine)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (f.getFileName().toString().equals(QuarantineLog.FILE_NAME)) continue;
        QuarantineLog.Entry move = moves.get(f.toString());
        assertTrue(move != null, trial + ": " + f + " is in quarantine without a logged move");
        String original = lib.relativize(Path.of(move.from())).toString();
        assertTrue(inQuarantine.add(original), trial + ": " + original + " twice in quarantine");
        assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(f)), trial + ": " + f);
      }
    }
    assertEquals(moves.size(), inQuarantine.size(), trial + ": every logged move's file is there");
    for (String f : all) {
      assertTrue(
          inLibrary.contains(f) != inQuarantine.contains(f),
          trial + ": " + f + " must be in exactly one place");
    }
    for (String f : inLibrary)
      assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(lib.resolve(f))), trial + f);

    Set<String> indexed = new TreeSet<>();
    try (ImageIndex opened = LuceneIndex.openReadOnly(index);
        ImageIndex.Snapshot snapshot = opened.snapshot()) {
      for (int item = 0; item < snapshot.items(); item++) {
        if (snapshot.live(item))
          indexed.add(lib.relativize(Path.of(snapshot.record(item).path())).toString());
      }
    }
    assertEquals(
        new TreeSet<>(inLibrary), indexed, trial + ": the index holds the library's files");
    return inQuarantine.size();
  }

  /**
   * Returns once the batch's intents are on disk (the log holds a whole line), or the request has
   * ended.
   */
  private static void awaitIntents(Path log, CompletableFuture<?> answer) throws Exception {
    while (!answer.isDone()) {
      if (Files.exists(log) && Files.size(log) > 0) return; // the intents: one write, then moves
      Thread.sleep(1);
    }
  }

  /** Back to the start: every file in the library, no quarantine, the index as first built. */
  private static void reset(Path lib, Path quarantine, Path index, Path pristine) throws Exception {
    for (QuarantineLog.Entry e : new QuarantineLog(quarantine).entries()) {
      if (e.event().equals("move") && Files.exists(Path.of(e.to())))
        Files.move(Path.of(e.to()), Path.of(e.from()));
    }
    deleteTree(quarantine);
    deleteTree(index);
    copyIndex(pristine, index);
  }

  private static Set<String> libraryFiles(Path lib) throws Exception {
    Set<String> files = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(lib)) {
      for (Path f : walk.filter(Files::isRegularFile).toList())
        files.add(lib.relativize(f).toString());
    }
    return files;
  }

  private static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }

  private static CompletableFuture<HttpResponse<String>> post(String url, String body) {
    HttpClient http = HttpClient.newHttpClient();
    return http.sendAsync(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .whenComplete((r, e) -> http.close());
  }

  /** Copies an index folder (closed, so its files do not change meanwhile). */
  private static void copyIndex(Path from, Path to) throws Exception {
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().equals("write.lock")) continue;
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }
}
