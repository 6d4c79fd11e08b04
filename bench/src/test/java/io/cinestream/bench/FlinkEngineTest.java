package io.cinestream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlinkEngineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode vertex(String name, long... running) throws Exception {
    StringBuilder subtasks = new StringBuilder();
    for (int i = 0; i < running.length; i++) {
      if (i > 0) {
        subtasks.append(',');
      }
      subtasks.append(
          String.format(
              "{\"subtask\":%d,\"timestamps\":{\"DEPLOYING\":%d,\"RUNNING\":%d,\"FINISHED\":%d}}",
              i, running[i] - 500, running[i], running[i] + 5000));
    }
    return JSON.readTree("{\"name\":\"" + name + "\",\"subtasks\":[" + subtasks + "]}");
  }

  @Test
  void spanStartsWhenTheLastSubtaskOfAnyVertexRuns() throws Exception {
    // Sinks run first (1000, 1020), the source's second subtask last (1750): records can only
    // flow end to end from 1750 on.
    List<JsonNode> times =
        List.of(vertex("sink", 1000, 1020), vertex("source", 1700, 1750), vertex("window", 1300));
    assertEquals(1750, FlinkEngine.allRunningMs(times));
  }

  @Test
  void phasesSplitDeploymentReadingAndDrain() throws Exception {
    // vertex(): DEPLOYING = RUNNING - 500, FINISHED = RUNNING + 5000. Earliest DEPLOYING 500
    // (sink, 1000 - 500); all running at 1750; the source's subtasks finish at 6700 and 6750;
    // the job ends at 8150: deploy 1.25 s -> "1.3", reading 5.0 s, drain 1.4 s.
    List<JsonNode> times =
        List.of(
            vertex("sink", 1000, 1020),
            vertex("Source: events -> drop-ticks", 1700, 1750),
            vertex("window", 1300));
    assertEquals(
        "deploying and initializing 1.3 s (before the span), sources reading 5.0 s,"
            + " draining after them 1.4 s",
        FlinkEngine.phases(times, 8150));
  }

  @Test
  void aSubtaskThatNeverRanIsAnError() throws Exception {
    JsonNode neverRan =
        JSON.readTree(
            "{\"name\":\"source\",\"subtasks\":[{\"subtask\":1,\"timestamps\":{\"DEPLOYING\":5}}]}");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> FlinkEngine.allRunningMs(List.of(vertex("sink", 1000), neverRan)));
    assertEquals("subtask 1 of vertex 'source' has no RUNNING timestamp", e.getMessage());
  }

  @Test
  void checkpointTimeIsTheCompletedCountTimesTheAverageEndToEndDuration() throws Exception {
    // 4 completed checkpoints averaging 125.5 ms -> 502 ms
    JsonNode stats =
        JSON.readTree(
            "{\"counts\":{\"completed\":4,\"failed\":1},"
                + "\"summary\":{\"end_to_end_duration\":{\"min\":80,\"max\":200,\"avg\":125.5}}}");
    assertEquals(502, FlinkEngine.checkpointMs(stats));
    assertEquals(0, FlinkEngine.checkpointMs(JSON.readTree("{\"counts\":{\"completed\":0}}")));
  }
}
