import Foundation
import HubClient
import HubCore
import ModuleFormats

/// `hubctl info <handle>`: fetches the module if needed and describes it from its protobufs and
/// checkpoint index (no weights read, no TensorFlow), plus the registry's metadata.
struct InfoCommand: HubCommand {
    static let name = "info"
    static let summary = "describe a module: format, signatures, input size, classes/features, parameters"
    static let help = """
        usage: hubctl info <handle> [--json]

        Fetches the module if it is not cached, then reports its format, signatures, expected image
        size, number of classes or features and parameter count (read from saved_model.pb,
        tfhub_module.pb and the checkpoint index), the registry metadata, the cached folder and the
        archive's sha256.
        """

    static func run(_ context: CommandContext) throws -> Int32 {
        let arguments = try ParsedArguments(context.arguments, command: name, flags: ["--json"])
        let operand = try arguments.requireOperands(1, usage: "hubctl info <handle>")[0]
        let handle = try context.handle(operand)
        let cache = try context.openCache()
        let module = try cache.fetch(handle)
        let description: ModuleDescription
        do {
            description = try ModuleInspector.describe(directory: module.path)
        } catch {
            throw CLIError.failure("\(module.handle): \(error.description)")
        }
        var entry: RegistryEntry?
        if handle.registryParts != nil, let versioned = try? ModuleHandle(parsing: module.handle) {
            do {
                entry = try cache.registryEntry(for: versioned)
            } catch {
                context.console.note("note: registry metadata unavailable: \(error.description)")
            }
        }
        if context.globals.json || arguments.has("--json") {
            try context.console.jsonObject(jsonObject(module: module, description: description, entry: entry))
        } else {
            for line in humanLines(module: module, description: description, entry: entry) { context.console.out(line) }
        }
        return ExitCode.success
    }

    static func jsonObject(module: FetchedModule, description: ModuleDescription, entry: RegistryEntry?) throws
        -> [String: Any]
    {
        let encoded = try JSONEncoder().encode(description)
        guard var object = try JSONSerialization.jsonObject(with: encoded) as? [String: Any] else {
            throw CLIError.failure("\(module.handle): could not encode the module description")
        }
        object["handle"] = module.handle
        object["path"] = module.path
        object["sha256"] = module.sha256 ?? NSNull()
        object["archive_size"] = module.size ?? NSNull()
        object["resolved_url"] = module.resolvedURL ?? NSNull()
        if let entry {
            object["registry_kind"] = entry.kind
            object["registry_format"] = entry.format ?? NSNull()
            object["task"] = entry.tasks
            object["network_architecture"] = entry.networkArchitectures
            object["dataset"] = entry.datasets
            object["fine_tunable"] = entry.fineTunable ?? NSNull()
            object["license"] = entry.license ?? NSNull()
            object["asset_path"] = entry.assetPath ?? NSNull()
            object["labels_path"] = entry.labelsPath.flatMap { entry.registryRelativePath($0) } ?? NSNull()
        }
        return object
    }

    static func humanLines(module: FetchedModule, description: ModuleDescription, entry: RegistryEntry?) -> [String] {
        var lines = ["handle:      \(module.handle)", "path:        \(module.path)"]
        if let sha = module.sha256 { lines.append("sha256:      \(sha) (\(module.size ?? 0) bytes)") }
        lines.append("format:      \(description.format.rawValue)")
        if let size = description.expectedImageSize {
            let channels = description.numChannels.map { "x\($0)" } ?? ""
            lines.append("input:       \(size.map(String.init).joined(separator: "x"))\(channels) float32 RGB in [0, 1]")
        }
        if let classes = description.numClasses { lines.append("classes:     \(classes)") }
        if let features = description.numFeatures { lines.append("features:    \(features)") }
        lines.append("parameters:  \(description.parameters) (\(description.variables) variables, \(description.weightBytes) bytes)")
        if let epsilon = description.batchNormEpsilon { lines.append("bn epsilon:  \(epsilon)") }
        lines.append("signatures:")
        for name in description.signatures.keys.sorted() {
            guard let signature = description.signatures[name] else { continue }
            let inputs = signature.inputs.keys.sorted().map { "\($0) \(signature.inputs[$0]?.shape.description ?? "")" }
            let outputs = signature.outputs.keys.sorted().map { "\($0) \(signature.outputs[$0]?.shape.description ?? "")" }
            lines.append("  \(name): (\(inputs.joined(separator: ", "))) -> (\(outputs.joined(separator: ", ")))")
        }
        if let entry {
            lines.append("registry:    \(entry.kind) \(entry.handle)")
            if !entry.tasks.isEmpty { lines.append("  task:                 \(entry.tasks.joined(separator: ", "))") }
            if !entry.networkArchitectures.isEmpty {
                lines.append("  network-architecture: \(entry.networkArchitectures.joined(separator: ", "))")
            }
            if !entry.datasets.isEmpty { lines.append("  dataset:              \(entry.datasets.joined(separator: ", "))") }
            if let tunable = entry.fineTunable { lines.append("  fine-tunable:         \(tunable)") }
            if let license = entry.license { lines.append("  license:              \(license)") }
            if let asset = entry.assetPath { lines.append("  asset-path:           \(asset)") }
        }
        return lines
    }
}
