package dev.lifeboat.config;

/** One thing wrong in a config file: where, which key, and what to do. */
public record Problem(String file, Node.Position position, String path, String message) {
    @Override
    public String toString() {
        String where = position == null ? file : file + ":" + position.line() + ":" + position.column();
        return where + ": " + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
