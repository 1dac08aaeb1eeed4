package dev.lifeboat.log;

import java.util.Map;

/** Structured log lines: one event name and its fields per line. */
public interface Log {
    void event(String event, Map<String, ?> fields);

    Log NONE = (event, fields) -> { };

    /** Fields in the order given, so that log lines read the same every time. */
    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            fields.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return fields;
    }
}
