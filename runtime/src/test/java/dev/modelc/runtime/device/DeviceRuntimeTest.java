package dev.modelc.runtime.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Finding a device runtime by name where no module provides it: the runtime alone has none. */
class DeviceRuntimeTest {
    @Test
    void aBackendNoModuleProvidesIsUnavailableInOneLine() {
        assertEquals(Optional.empty(), DeviceRuntime.find("cuda"));
        assertEquals(Optional.of("the modelc-cuda module is not on the class path"), DeviceRuntime.unavailable("cuda"));
        DeviceUnavailableException e = assertThrows(DeviceUnavailableException.class, () -> DeviceRuntime.open("cuda", 0));
        assertEquals("backend cuda is not available here: the modelc-cuda module is not on the class path", e.getMessage());
        assertEquals("cuda", e.backend());
        assertEquals("the modelc-cuda module is not on the class path", e.reason());
        DeviceUnavailableException viaDevice = assertThrows(DeviceUnavailableException.class,
                () -> ((Device.Accelerator) Device.cuda(1)).open());
        assertEquals(e.getMessage(), viaDevice.getMessage());
    }

    @Test
    void deviceNumbersStartAtZero() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Device.cuda(-1));
        assertEquals("device -1: device numbers start at 0", e.getMessage());
        assertEquals(new Device.Accelerator("cuda", 2), Device.cuda(2));
    }
}
