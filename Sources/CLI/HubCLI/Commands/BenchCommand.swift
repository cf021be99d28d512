import AmoebaNet
import Foundation
import HubKit

/// `hubctl bench <handle>`: in-process timings of a module's runtime (the numbers the benchmark
/// script sets beside TensorFlow's). Timing logic lives in `ModuleBenchmark`.
struct BenchCommand: HubCommand {
    static let name = "bench"
    static let summary = "time a module's runtime: load, batch-1 latency, per-image time at batch N"
    static let help = """
        usage: hubctl bench <handle> [--batch N] [--repeats N] [--threads N] [--precision fp32|bf16]
                            [--signature NAME] [--json]

        Loads the module's weights, then times one first call, --repeats batch-1 calls (median after
        a warm-up) and batch --batch calls (per-image median), on deterministic pseudo-random images.
        Prints peak resident memory too. Defaults: --batch 8, --repeats 5.
        """

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(context.arguments, command: name, flags: ["--json"],
                                            options: ["--batch", "--repeats", "--threads", "--precision", "--signature"])
        let operand = try arguments.requireOperands(1, usage: "hubctl bench <handle>")[0]
        let batch = try arguments.positiveInt("--batch", command: name) ?? 8
        let repeats = try arguments.positiveInt("--repeats", command: name) ?? 5
        let threads = try arguments.positiveInt("--threads", command: name)
        var precision = RuntimeOptions.Precision.fp32
        if let text = arguments.value("--precision") {
            guard let chosen = RuntimeOptions.Precision(rawValue: text) else {
                throw CLIError.usage("bench: unknown --precision '\(text)'")
            }
            precision = chosen
        }
        let cache = try context.openCache()
        do {
            let module = try Hub.module(operand, cache: cache, options: Hub.Options(threads: threads,
                                                                                    precision: precision))
            let report = try ModuleBenchmark.measure(module, batch: batch, repeats: repeats,
                                                     signature: arguments.value("--signature") ?? "default")
            if context.globals.json || arguments.has("--json") {
                try context.console.json(report)
            } else {
                context.console.out(String(format: "load:              %.3f s", report.loadSeconds))
                context.console.out(String(format: "first call:        %.3f s", report.firstCallSeconds))
                context.console.out(String(format: "batch 1 (median):  %.3f s", report.batch1MedianSeconds))
                context.console.out(String(format: "batch %d per image: %.3f s", report.batch, report.batchPerImageSeconds))
                context.console.out(String(format: "peak RSS:          %.1f MiB", Double(report.peakRSSBytes) / 1048576))
                context.console.out("threads: \(report.threads), precision: \(report.precision)")
            }
            return ExitCode.success
        } catch let error as HubKitError {
            throw error.isUsageError ? CLIError.usage(error.description) : CLIError.failure(error.description)
        }
    }
}
