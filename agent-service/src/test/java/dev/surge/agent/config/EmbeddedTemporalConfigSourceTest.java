package dev.surge.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the embedded Temporal source says beyond the target: no sticky execution against the test server. */
class EmbeddedTemporalConfigSourceTest {

    @Test
    void turnsStickyExecutionOffAgainstTheEmbeddedServer() {
        EmbeddedTemporalConfigSource embedded = EmbeddedTemporalConfigSource.embedded(7233);

        assertTrue(embedded.getPropertyNames().contains(EmbeddedTemporalConfigSource.STICKY_SCHEDULE_TO_START));
        assertEquals("0s", embedded.getValue(EmbeddedTemporalConfigSource.STICKY_SCHEDULE_TO_START));
    }

    @Test
    void leavesStickyExecutionAloneWhereAClusterIsRequired() {
        EmbeddedTemporalConfigSource missing = EmbeddedTemporalConfigSource.missing();

        assertFalse(missing.getPropertyNames().contains(EmbeddedTemporalConfigSource.STICKY_SCHEDULE_TO_START));
        assertNull(missing.getValue(EmbeddedTemporalConfigSource.STICKY_SCHEDULE_TO_START));
    }
}
