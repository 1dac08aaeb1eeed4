package dev.lifeboat.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes each event as one JSON object per line (journald and log shippers read it as is).
 * Every line passes through {@code mask}, so a secret that reached a message is still not logged.
 */
public final class JsonLinesLog implements Log {
    private final ObjectMapper json = new ObjectMapper();
    private final PrintWriter out;
    private final Clock clock;
    private final UnaryOperator<String> mask;

    public JsonLinesLog(PrintWriter out, Clock clock, UnaryOperator<String> mask) {
        this.out = out;
        this.clock = clock;
        this.mask = mask;
    }

    @Override
    public void event(String event, Map<String, ?> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", clock.instant().toString());
        line.put("event", event);
        fields.forEach((k, v) -> line.put(k, v instanceof java.util.Optional<?> o ? o.orElse(null) : v));
        String text;
        try {
            text = json.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            text = "{\"event\":\"" + event + "\",\"error\":\"unloggable fields\"}";
        }
        synchronized (out) {
            out.println(mask.apply(text));
            out.flush();
        }
    }
}
