import AmoebaNet
import Foundation
import HubKit

/// `hubctl run <handle> IMAGE...`: classifies images (top-k with labels) or extracts their outputs.
/// All the work is `HubModule`'s; this file parses options and formats results.
struct RunCommand: HubCommand {
    static let name = "run"
    static let summary = "classify images or extract feature vectors with a module"
    static let help = """
        usage: hubctl run <handle> IMAGE... [--top K] [--signature NAME] [--json] [--output FILE.npy]
                          [--batch N] [--threads N] [--central-crop F] [--precision fp32|bf16]

        Decodes each JPEG or PNG, resizes it to the module's expected size (bilinear, half-pixel
        centres, as tf.image.resize), scales it to [0, 1] and runs the module on the CPU.

          --top K             classes to print per image (default 5)
          --signature NAME    default | image_classification | image_feature_vector (default: default)
          --json              one JSON object per image: {"file", "top": [{"index", "label",
                              "probability"}]} or {"file", "features": [...]}, or {"file", "error"}
          --output FILE.npy   also write the raw float32 outputs [images, width] as NumPy .npy (rows
                              of images that failed to decode are NaN)
          --batch N           images per forward pass (default 8)
          --threads N         runtime threads (default: all cores)
          --central-crop F    keep the central fraction F of each image before resizing (e.g. 0.875,
                              the AmoebaNet evaluation crop)
          --precision P       fp32 (default, exact) or bf16

        A file that cannot be decoded gets its own error line; the other images still run, and the
        exit status is then 1.
        """

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(
            context.arguments, command: name, flags: ["--json"],
            options: ["--top", "--signature", "--output", "--batch", "--threads", "--central-crop", "--precision"])
        guard arguments.positionals.count >= 2 else {
            throw CLIError.usage("missing operand; usage: hubctl run <handle> IMAGE...")
        }
        let operand = arguments.positionals[0]
        let files = Array(arguments.positionals.dropFirst())
        let top = try arguments.positiveInt("--top", command: name) ?? 5
        let batch = try arguments.positiveInt("--batch", command: name) ?? 8
        let threads = try arguments.positiveInt("--threads", command: name)
        let signature = arguments.value("--signature") ?? "default"
        let json = context.globals.json || arguments.has("--json")
        var crop: Double?
        if let text = arguments.value("--central-crop") {
            guard let fraction = Double(text), fraction > 0, fraction <= 1 else {
                throw CLIError.usage("run: --central-crop expects a fraction in (0, 1], got '\(text)'")
            }
            crop = fraction
        }
        var precision = RuntimeOptions.Precision.fp32
        if let text = arguments.value("--precision") {
            guard let chosen = RuntimeOptions.Precision(rawValue: text) else {
                let known = RuntimeOptions.Precision.allCases.map(\.rawValue).joined(separator: ", ")
                throw CLIError.usage("run: --precision must be one of \(known), got '\(text)'")
            }
            precision = chosen
        }
        let output = arguments.value("--output")
        if let output, !output.hasSuffix(".npy") {
            throw CLIError.usage("run: --output must name a .npy file, got '\(output)'")
        }

        let cache = try context.openCache()
        let options = Hub.Options(threads: threads, precision: precision)
        do {
            let module = try Hub.module(operand, cache: cache, options: options)
            let kind = try module.outputKind(signature: signature)
            let results: [ImageResult]
            if kind == .logits && output == nil {
                results = try module.classify(files: files, top: top, signature: signature, batchSize: batch,
                                              centralCrop: crop)
            } else {
                results = try module.outputs(files: files, signature: signature, batchSize: batch, centralCrop: crop)
            }
            if let output {
                try writeOutputs(results, width: try module.outputWidth(signature: signature), to: output)
            }
            var failed = 0
            for result in results {
                switch result.outcome {
                case .success(let value):
                    let shown = kind == .logits && output != nil
                        ? ImageResult.Output.top(rankedFromVector(value, top: top, labels: module.labels)) : value
                    if json {
                        try printJSON(file: result.file, shown, kind: kind, context)
                    } else {
                        printHuman(file: result.file, shown, context)
                    }
                case .failure(let error):
                    failed += 1
                    context.console.error(error.description)  // image errors name their file
                    if json { try printJSONLine(["file": result.file, "error": error.description], context) }
                }
            }
            return failed == 0 ? ExitCode.success : ExitCode.failure
        } catch let error as HubKitError {
            throw error.isUsageError ? CLIError.usage(error.description) : CLIError.failure(error.description)
        }
    }

    private static func printJSON(file: String, _ value: ImageResult.Output, kind: OutputKind,
                                  _ context: CommandContext) throws {
        switch value {
        case .top(let predictions):
            let top: [[String: Any]] = predictions.map {
                ["index": $0.index, "label": $0.label ?? NSNull(), "probability": $0.probability]
            }
            try printJSONLine(["file": file, "top": top], context)
        case .vector(let values):
            try printJSONLine(["file": file, kind == .logits ? "logits" : "features": values.map(Double.init)],
                              context)
        }
    }

    /// Logits that were kept raw for `--output` still print as top-k.
    private static func rankedFromVector(_ value: ImageResult.Output, top: Int, labels: LabelSet?) -> [Prediction] {
        if case .vector(let logits) = value { return HubModule.topK(logits: logits, k: top, labels: labels) }
        if case .top(let predictions) = value { return predictions }
        return []
    }

    private static func printHuman(file: String, _ value: ImageResult.Output, _ context: CommandContext) {
        context.console.out(file)
        switch value {
        case .top(let predictions):
            for prediction in predictions {
                let name = prediction.label ?? "class \(prediction.index)"
                context.console.out(String(format: "  %.4f  ", prediction.probability) + name
                    + "  (index \(prediction.index))")
            }
        case .vector(let values):
            let head = values.prefix(4).map { String(format: "%.4f", $0) }.joined(separator: ", ")
            context.console.out("  \(values.count) values: [\(head)\(values.count > 4 ? ", ..." : "")]"
                + " (--json or --output FILE.npy for all)")
        }
    }

    private static func printJSONLine(_ object: [String: Any], _ context: CommandContext) throws {
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            context.console.out(String(decoding: data, as: UTF8.self))
        } catch {
            throw CLIError.failure("could not encode JSON output: \(error)")
        }
    }

    /// Writes every image's raw output as one `[images, width]` float32 array, NaN rows for failures.
    private static func writeOutputs(_ results: [ImageResult], width: Int, to path: String) throws {
        var values = [Float](repeating: .nan, count: results.count * width)
        for (row, result) in results.enumerated() {
            guard case .success(.vector(let vector)) = result.outcome, vector.count == width else { continue }
            values.replaceSubrange((row * width)..<((row + 1) * width), with: vector)
        }
        try NPYWriter.write(values, shape: [results.count, width], to: path)
    }
}
