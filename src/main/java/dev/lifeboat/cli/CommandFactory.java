package dev.lifeboat.cli;

import picocli.CommandLine;

/** Hands each command its services through its constructor. */
final class CommandFactory implements CommandLine.IFactory {
    private final Services services;

    CommandFactory(Services services) {
        this.services = services;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        Object command;
        if (type == BackupCommand.class) {
            command = new BackupCommand(services);
        } else if (type == ListCommand.class) {
            command = new ListCommand(services);
        } else if (type == RekeySqlcipherCommand.class) {
            command = new RekeySqlcipherCommand(services);
        } else if (type == CatCommand.class) {
            command = new CatCommand(services);
        } else if (type == VerifyCommand.class) {
            command = new VerifyCommand(services);
        } else if (type == CopyCommand.class) {
            command = new CopyCommand(services);
        } else if (type == RestoreCommand.class) {
            command = new RestoreCommand(services);
        } else if (type == HistoryCommand.class) {
            command = new HistoryCommand(services);
        } else if (type == CatalogCommand.RebuildCommand.class) {
            command = new CatalogCommand.RebuildCommand(services);
        } else if (type == UnlockCommand.class) {
            command = new UnlockCommand(services);
        } else if (type == RekeyCommand.class) {
            command = new RekeyCommand(services);
        } else if (type == PruneCommand.class) {
            command = new PruneCommand(services);
        } else if (type == ConfigCommand.CheckCommand.class) {
            command = new ConfigCommand.CheckCommand(services);
        } else if (type == RunCommand.class) {
            command = new RunCommand(services);
        } else if (type == DaemonCommand.class) {
            command = new DaemonCommand(services);
        } else if (type == WalPushCommand.class) {
            command = new WalPushCommand(services);
        } else if (type == WalCommand.CheckCommand.class) {
            command = new WalCommand.CheckCommand(services);
        } else if (type == WalFetchCommand.class) {
            command = new WalFetchCommand(services);
        } else {
            return CommandLine.defaultFactory().create(type);
        }
        return type.cast(command);
    }
}
