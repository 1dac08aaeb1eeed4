package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.LifeboatException;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.wal.WalChain;
import dev.lifeboat.wal.WalWindow;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "wal", description = "The archived WAL of PostgreSQL clusters (see wal-push).",
        subcommands = WalCommand.CheckCommand.class)
final class WalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say what to do: check");
    }

    @Command(name = "check", description = "List each cluster's timelines, missing and damaged WAL segments"
            + " (checked by their stored SHA-256, no key needed) and the window of time a restore can reach."
            + " Exits 6 when a segment is missing or damaged.")
    static final class CheckCommand implements Callable<Integer> {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
                .withZone(ZoneOffset.UTC);
        private final Services services;

        @Spec
        CommandSpec spec;

        @Option(names = "--repo", paramLabel = "REPO", required = true, description = RepositoryArgs.HELP)
        String repo;

        CheckCommand(Services services) {
            this.services = services;
        }

        @Override
        public Integer call() throws Exception {
            List<WalWindow.ClusterReport> reports;
            try (Repository repository = services.repository(RepositoryArgs.parse(repo).spec())) {
                reports = new WalWindow().check(repository);
            }
            PrintWriter out = spec.commandLine().getOut();
            JsonOutput json = JsonOutput.of(spec);
            if (json.enabled()) {
                List<Object> clusters = new ArrayList<>();
                for (WalWindow.ClusterReport r : reports) {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("system_id", r.chain().systemId());
                    c.put("timelines", r.chain().timelines());
                    c.put("problems", r.chain().problems());
                    c.put("window", r.window().orElse(null));
                    clusters.add(c);
                }
                json.document("wal-check", Map.of("clusters", clusters));
            } else {
                if (reports.isEmpty()) {
                    out.println("no archived WAL in " + repo);
                }
                for (WalWindow.ClusterReport r : reports) {
                    out.println("cluster " + r.chain().systemId() + ":");
                    for (WalChain.Timeline t : r.chain().timelines()) {
                        out.println("  timeline " + t.id() + ": " + t.first() + " to " + t.last() + ", " + t.segments()
                                + " segments" + (t.missing().isEmpty() && t.damaged().isEmpty() ? ", no gaps" : ""));
                    }
                    r.chain().problems().forEach(p -> out.println("  " + p));
                    out.println(r.window().map(w -> "  restorable: any time from " + TIME.format(w.from()) + " to "
                            + TIME.format(w.to()) + " (from base backup " + w.backup() + ")")
                            .orElse("  restorable: nothing (no base backup with all the WAL it needs)"));
                }
            }
            boolean clean = reports.stream().allMatch(r -> r.chain().clean());
            if (!clean) {
                throw new LifeboatException(ExitCode.INTEGRITY, "the archived WAL in " + repo + " has "
                        + reports.stream().mapToInt(r -> r.chain().problems().size()).sum() + " missing or damaged"
                        + " segments (" + reports.stream().flatMap(r -> r.chain().problems().stream()).findFirst()
                        .orElse("") + "); restore them from another copy of the repository, and take a new base"
                        + " backup (restores from before a gap end at the gap)");
            }
            return ExitCode.OK.code();
        }
    }
}
