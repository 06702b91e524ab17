import ArgumentParser

/// The `greenstream` command line. Subcommands stay thin: parse, call the core, write.
@main
struct GreenStream: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "greenstream",
        abstract: "Smart-meter CSV to clean readings: local transforms, the coordinator and cluster workers.",
        subcommands: [TransformCommand.self, CoordinatorCommand.self, WorkerCommand.self]
    )
}
