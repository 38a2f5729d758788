package dss.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --device auto} tries CUDA only where an NVIDIA driver is installed; explicit {@code cuda}
 * always tries. The driver check is replaced by a fixed answer; the sessions are ONNX Runtime's
 * own, on the test model, and every one asked for is recorded.
 */
class DeviceSelectorTest {
  private static final OrtEnvironment ENV =
      OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL, "dreamsim");
  private final Path model = TestModels.testModel();

  /** The device of each session asked for, in order: -1 for the CPU, N for cuda:N. */
  private final List<Integer> asked = new ArrayList<>();

  private DeviceSelector.Opened open(String device, boolean driver) throws ModelException {
    return DeviceSelector.open(
        model,
        device,
        () -> driver,
        cuda -> {
          asked.add(cuda);
          return DeviceSelector.session(ENV, model, 1, cuda);
        });
  }

  private static void close(DeviceSelector.Opened opened) throws OrtException {
    opened.session().close();
    opened.options().close();
  }

  @Test
  void autoWithoutDriverNeverAsksForCuda() throws Exception {
    DeviceSelector.Opened opened = open("auto", false);
    close(opened);
    assertEquals(List.of(-1), asked);
    assertEquals("cpu", opened.device());
    close(open(null, false)); // no device given is auto
    assertEquals(List.of(-1, -1), asked);
  }

  @Test
  void autoWithDriverTriesCudaFirst() throws Exception {
    DeviceSelector.Opened opened = open("auto", true);
    close(opened);
    assertEquals(0, asked.get(0), asked.toString());
    if (opened.device().equals("cpu")) {
      assertEquals(List.of(0, -1), asked); // this machine cannot run CUDA: tried, then the CPU
    } else {
      assertEquals(List.of(0), asked);
    }
  }

  @Test
  void explicitCudaTriesEvenWithoutDriver() throws Exception {
    try {
      close(open("cuda:1", false));
      assertEquals(List.of(1), asked); // a machine where cuda:1 works after all
    } catch (ModelException e) {
      assertTrue(e.getMessage().startsWith("cannot run on cuda:1: "), e.getMessage());
      assertEquals(List.of(1), asked); // tried, and no silent fall-back to the CPU
    }
  }

  @Test
  void cpuNeverAsksForCuda() throws Exception {
    close(open("cpu", true));
    assertEquals(List.of(-1), asked);
  }

  @Test
  void driverFoundByDeviceNodeProcEntryOrLibrary(@TempDir Path root) throws Exception {
    assertFalse(NvidiaDriver.present(root, null));
    Files.createDirectories(root.resolve("usr/local/cuda-13.0/lib"));
    Files.createFile(
        root.resolve("usr/local/cuda-13.0/lib/libcudart.so.13")); // a toolkit is not a driver
    assertFalse(NvidiaDriver.present(root, root.resolve("usr/local/cuda-13.0/lib").toString()));
    Files.createDirectories(root.resolve("etc"));
    Files.write(
        root.resolve("etc/ld.so.cache"),
        "ld.so-1.7.0\0libcudart.so.13\0/usr/lib/libcudart.so.13\0"
            .getBytes(StandardCharsets.UTF_8));
    assertFalse(NvidiaDriver.present(root, null));

    Path dev = Files.createDirectories(root.resolve("dev"));
    Files.createFile(dev.resolve("nvidiactl"));
    assertTrue(NvidiaDriver.present(root, null));
    Files.delete(dev.resolve("nvidiactl"));

    Files.createDirectories(root.resolve("proc/driver/nvidia"));
    assertTrue(NvidiaDriver.present(root, null));
    Files.delete(root.resolve("proc/driver/nvidia"));

    Path own = Files.createDirectories(root.resolve("opt/driver"));
    Files.createFile(own.resolve("libcuda.so.1"));
    assertFalse(NvidiaDriver.present(root, null));
    assertTrue(NvidiaDriver.present(root, "/nowhere:" + own));

    Files.createDirectories(root.resolve("usr/lib/wsl/lib"));
    Files.createFile(root.resolve("usr/lib/wsl/lib/libcuda.so.1"));
    assertTrue(NvidiaDriver.present(root, null));
    Files.delete(root.resolve("usr/lib/wsl/lib/libcuda.so.1"));

    Files.write(
        root.resolve("etc/ld.so.cache"),
        "ld.so-1.7.0\0libcuda.so.1\0/usr/lib/x86_64-linux-gnu/libcuda.so.1\0"
            .getBytes(StandardCharsets.UTF_8));
    assertTrue(NvidiaDriver.present(root, null));
  }

  @Test
  void unknownDeviceIsRefusedBeforeAnySession() {
    assertThrows(dss.util.InvalidSettingException.class, () -> open("gpu", true));
    assertEquals(List.of(), asked);
  }

  @Test
  void spinningFollowsTheEnvironmentAndRefusesOtherValues() {
    assertTrue(DeviceSelector.spinning("1"));
    assertFalse(DeviceSelector.spinning(" 0 "));
    assertEquals(DeviceSelector.SPINNING_DEFAULT, DeviceSelector.spinning(null));
    assertEquals(DeviceSelector.SPINNING_DEFAULT, DeviceSelector.spinning(""));
    var e =
        assertThrows(dss.util.InvalidSettingException.class, () -> DeviceSelector.spinning("yes"));
    assertTrue(e.getMessage().contains("DREAMSIM_ORT_SPINNING"), e.getMessage());
  }
}
