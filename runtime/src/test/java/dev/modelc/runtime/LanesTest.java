package dev.modelc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What {@link Lanes} says for each JVM: the module and the property decide, and the words say which. */
class LanesTest {
    @Test
    void theModuleTurnsLanesOn() {
        assertEquals("vector lanes: on (the JVM has jdk.incubator.vector)", Lanes.of(true, null).toString());
        assertEquals(new Lanes(true, "the JVM has jdk.incubator.vector"), Lanes.of(true, "true"));
    }

    @Test
    void withoutTheModuleTheReasonSaysHowToAddIt() {
        Lanes off = Lanes.of(false, null);
        assertEquals(false, off.on());
        assertEquals("vector lanes: off (the JVM runs without jdk.incubator.vector; start it with --add-modules jdk.incubator.vector)",
                off.toString());
        assertEquals(off, Lanes.of(false, "true"));
    }

    @Test
    void thePropertyTurnsThemOffEvenWithTheModule() {
        assertEquals("vector lanes: off (-Dmodelc.vector=false turns them off)", Lanes.of(true, "false").toString());
        assertEquals(Lanes.of(true, "false"), Lanes.of(false, "false"));
    }

    /** The runtime's tests run with {@code --add-modules jdk.incubator.vector} and no property (runtime/pom.xml). */
    @Test
    void thisJvmRunsLanes() {
        assertEquals(Lanes.of(true, null), Lanes.current());
    }

    @Test
    void withoutHardwareFmaLanesAreOffAndSaySo() {
        Lanes off = Lanes.of(true, null, false);
        assertEquals(false, off.on());
        assertTrue(off.reason().contains("fused multiply-add"), off.reason());
        assertEquals(Lanes.of(true, "false"), Lanes.of(true, "false", false));
    }
}
