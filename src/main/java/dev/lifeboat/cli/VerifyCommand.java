package dev.lifeboat.cli;

import dev.lifeboat.ExitCode;
import dev.lifeboat.manifest.Manifest;
import dev.lifeboat.manifest.VerificationRecord;
import dev.lifeboat.repository.Repository;
import dev.lifeboat.verify.VerifyReport;
import dev.lifeboat.verify.VerifyRequest;
import dev.lifeboat.verify.VerifyService;
import java.io.PrintWriter;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "verify", description = "Prove backups restore: checksums, a real restore into scratch space,"
        + " the engine's integrity check and row counts against the manifest.")
final class VerifyCommand implements Callable<Integer>, EngineFlags.Taker {
    private final Services services;

    VerifyCommand(Services services) {
        this.services = services;
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BACKUP_ID|latest|all", description = "A backup id, 'latest' (the newest"
            + " complete backup, of --name if given) or 'all' (every backup, going on past bad ones).")
    String backup;

    @Option(names = "--repo", required = true, paramLabel = "REPO", description = RepositoryArgs.HELP)
    String repo;

    @Option(names = "--name", paramLabel = "NAME", description = "With 'latest' or 'all': only backups with this name.")
    String name;

    @Mixin
    KeyOptions keyOptions;

    @Mixin
    DatabaseKeyOptions key = new DatabaseKeyOptions();

    @Override
    public dev.lifeboat.source.EngineOption.Operation engineOperation() {
        return dev.lifeboat.source.EngineOption.Operation.VERIFY;
    }

    @Override
    public Integer call() throws Exception {
        try (Repository repository = services.repository(repo)) {
            VerifyService service = services.verifyService(services.engines.configured(EngineFlags.given(spec,
                    services.engines, engineOperation())),
                    services.tracker(spec.commandLine().getErr()));
            return render(service.verify(new VerifyRequest(repository, VerifyRequest.Which.parse(backup),
                    Optional.ofNullable(name), keyOptions.load(services), key.access(), "manual")));
        }
    }

    private int render(VerifyReport report) {
        PrintWriter out = spec.commandLine().getOut();
        JsonOutput json = JsonOutput.of(spec);
        if (json.enabled()) {
            json.document("verify", document(report));
        }
        boolean all = report.which() instanceof VerifyRequest.Which.All;
        report.damaged().forEach(d -> out.println(Output.damaged(d)));
        for (VerifyReport.Item item : report.items()) {
            item.record().ifPresent(record -> print(out, item.manifest(), record));
            if (all && item.contentFailed()) {
                out.println("FAILED " + item.manifest().id() + " " + item.manifest().name() + ": "
                        + item.failure().orElseThrow().getMessage());
            }
        }
        if (all && report.stopped().isEmpty()) {
            report.incomplete().forEach(incomplete -> out.println("INCOMPLETE " + incomplete + ": data without a"
                    + " manifest (an interrupted backup); it is never listed or restored, and the next backup on its"
                    + " host removes it"));
        }
        if (report.failure().isPresent()) {
            throw report.failure().get();
        }
        return ExitCode.OK.code();
    }

    /**
     * One shape whichever backups were asked for: the records of those that passed, the ones whose
     * content failed, and with 'all' the damaged and interrupted ones.
     */
    private static java.util.Map<String, Object> document(VerifyReport report) {
        java.util.Map<String, Object> document = new java.util.LinkedHashMap<>();
        document.put("which", report.which() instanceof VerifyRequest.Which.One one ? one.id()
                : report.which() instanceof VerifyRequest.Which.All ? "all" : "latest");
        document.put("verified", report.records());
        document.put("failed", report.items().stream().filter(VerifyReport.Item::contentFailed).map(item -> {
            java.util.Map<String, Object> failed = new java.util.LinkedHashMap<>();
            failed.put("backup_id", item.manifest().id());
            failed.put("name", item.manifest().name());
            failed.putAll(JsonOutput.failure(item.failure().orElseThrow()));
            return failed;
        }).toList());
        document.put("damaged", report.damaged());
        document.put("incomplete", report.incomplete());
        return document;
    }

    private void print(PrintWriter out, Manifest manifest, VerificationRecord record) {
        out.println("verified " + manifest.id() + " " + manifest.name() + " (" + Output.TIME.format(
                manifest.startedAt()) + ")");
        record.checks().forEach(check -> out.println("  ok  " + check));
    }
}
