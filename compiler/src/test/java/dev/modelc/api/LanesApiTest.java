package dev.modelc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.modelc.compiler.backend.bytecode.VectorLanes;
import org.junit.jupiter.api.Test;

/**
 * {@link Modelc#lanes()} reports the path the bytecode backend and the matrix products take. The
 * compiler's tests run with the module and {@code -Dmodelc.vector=false} (compiler/pom.xml), so
 * the scalar loops are what every test but the lanes' own runs.
 */
class LanesApiTest {
    @Test
    void theApiSaysWhatTheBackendDoes() {
        assertEquals("vector lanes: off (-Dmodelc.vector=false turns them off)", Modelc.lanes().toString());
        assertFalse(VectorLanes.available());
        assertEquals(VectorLanes.available(), Driver.vectorLanes());
    }
}
