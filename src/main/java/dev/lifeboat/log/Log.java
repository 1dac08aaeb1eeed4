package dev.lifeboat.log;

import java.util.Map;

/** Structured log lines: one event name and its fields per line. */
public interface Log {
    void event(String event, Map<String, ?> fields);

    Log NONE = (event, fields) -> { };
}
