package dev.lifeboat.daemon;

/**
 * SIGTERM and SIGINT stop the daemon gracefully; SIGHUP reloads its config. Uses
 * {@code sun.misc.Signal} (module jdk.unsupported, present in every OpenJDK and needing no
 * flags): the JDK offers no supported API for SIGHUP. Installing a handler replaces the JVM's own
 * exit on SIGTERM, so the daemon decides when to exit.
 */
@SuppressWarnings("restriction")
public final class Signals {
    private Signals() {
    }

    public static void install(Runnable stop, Runnable reload) {
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> stop.run());
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), signal -> stop.run());
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> reload.run());
    }
}
