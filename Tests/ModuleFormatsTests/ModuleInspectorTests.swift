import Foundation
import ModuleFormats
import Testing

@Suite("ModuleInspector (hubctl info data)")
struct ModuleInspectorTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    @Test("fixture modules: every field agrees with TensorFlow's manifest")
    func fixtureModules() throws {
        let modules = try Fixtures.manifestModules()
        #expect(!modules.isEmpty)
        for (name, module) in modules {
            let directory = try scratch.untar(Fixtures.modules + "/\(name).tar.gz", into: name)
            let description = try ModuleInspector.describe(directory: directory)
            #expect(description.format.rawValue == module["format"] as? String)
            #expect(description.tags == [])
            #expect(description.expectedImageSize == module["image_size"] as? [Int])
            #expect(description.numChannels == module["channels"] as? Int)
            #expect(description.numClasses == module["num_classes"] as? Int, "\(name)")
            #expect(description.numFeatures == module["num_features"] as? Int, "\(name)")
            #expect(description.parameters == module["parameter_count"] as? Int)
            #expect(description.weightBytes == module["weight_bytes"] as? Int)
            #expect(description.variables == module["variable_count"] as? Int)
            #expect(description.batchNormEpsilon == Float((module["epsilon"] as? NSNumber)?.doubleValue ?? .nan))
            let graphs = try #require(module["meta_graphs"] as? [[String: Any]])
            let inference = try #require(graphs.first { ($0["tags"] as? [String]) == [] })
            let signatures = try #require(inference["signatures"] as? [String: [String: [String: [String: Any]]]])
            #expect(Set(description.signatures.keys) == Set(signatures.keys))
            for (signatureName, sides) in signatures {
                let ours = try #require(description.signatures[signatureName])
                for (side, specs) in [("inputs", ours.inputs), ("outputs", ours.outputs)] {
                    let theirs = sides[side] ?? [:]
                    #expect(Set(specs.keys) == Set(theirs.keys), "\(signatureName).\(side)")
                    for (key, info) in theirs {
                        #expect(specs[key]?.dtype == info["dtype"] as? String)
                        #expect(specs[key]?.shape.dimensions == info["shape"] as? [Int])
                        #expect(specs[key]?.tensorName == info["name"] as? String)
                    }
                }
            }
        }
    }

    @Test("fixture modules: every tensor's name, shape and bytes (zlib CRC-32) match TensorFlow")
    func fixtureTensors() throws {
        for (name, module) in try Fixtures.manifestModules() {
            let directory = try scratch.untar(Fixtures.modules + "/\(name).tar.gz", into: "t-\(name)")
            let bundle = try TensorBundle(prefix: directory + "/variables/variables")
            let variables = try #require(module["variables"] as? [[String: Any]])
            #expect(bundle.entries.map(\.name) == variables.compactMap { $0["name"] as? String })
            for variable in variables {
                let tensorName = try #require(variable["name"] as? String)
                let entry = try bundle.entry(tensorName)
                #expect(entry.shape.dimensions == variable["shape"] as? [Int], "\(tensorName)")
                let values = try bundle.floats(tensorName)
                let crc = ZlibCRC32.checksum(UnsafeRawBufferPointer(values))
                #expect(crc == (variable["crc32"] as? NSNumber)?.uint32Value, "\(tensorName)")
            }
            #expect(try bundle.verifyAll() == module["weight_bytes"] as? Int)
        }
    }

    @Test("the JSON form uses the snake_case keys hubctl info --json promises")
    func json() throws {
        let name = try #require(try Fixtures.manifestModules().keys.sorted().first)
        let directory = try scratch.untar(Fixtures.modules + "/\(name).tar.gz", into: "j")
        let description = try ModuleInspector.describe(directory: directory)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(description)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["format", "signatures", "expected_image_size", "num_channels", "parameters", "weight_bytes",
                    "variables", "batch_norm_epsilon"] {
            #expect(object[key] != nil, "missing \(key)")
        }
        let images = (object["signatures"] as? [String: [String: [String: [String: Any]]]])?["default"]?["inputs"]?["images"]
        #expect(images?["dtype"] as? String == "float32")
        #expect(images?["shape"] as? [Int] == [-1, 331, 331, 3])
        #expect(try JSONDecoder().decode(ModuleDescription.self, from: data) == description)
    }

    @Test("a TF2 SavedModel is recognised, its bookkeeping string is not counted, epsilon comes from functions")
    func tf2() throws {
        let description = try ModuleInspector.describe(directory: Fixtures.formats + "/tf2_saved_model")
        let expected = try #require(try Fixtures.formatsExpected()["tf2_saved_model"] as? [String: Any])
        let variables = try #require(expected["variables"] as? [[String: Any]])
        #expect(description.format == .tf2SavedModel)
        #expect(description.tags == ["serve"])
        #expect(description.variables == variables.count - 1)
        let floats = variables.filter { $0["dtype"] as? String == "float32" }
        #expect(description.parameters == floats.reduce(0) { $0 + (($1["shape"] as? [Int]) ?? []).reduce(1, *) })
        #expect(description.batchNormEpsilon == 0.002)
        #expect(description.signatures["serving_default"]?.inputs["images"]?.shape.dimensions == [-1, 2, 2, 4])
        // No image attachment: the size comes from the images input (the get_expected_image_size rule), but
        // only from the "default" signature, which this SavedModel does not have.
        #expect(description.expectedImageSize == nil)
    }

    @Test("a TF1 SavedModel with stripped default attrs: epsilon is the op default, size from the images input")
    func tf1StrippedDefaults() throws {
        let expected = try #require(try Fixtures.formatsExpected()["tf1_saved_model"] as? [String: Any])
        #expect(expected["epsilon_attr_present"] as? Bool == false)  // TensorFlow really left it out
        let description = try ModuleInspector.describe(directory: Fixtures.formats + "/tf1_saved_model")
        #expect(description.format == .tf1SavedModel)
        #expect(description.tags == expected["tags"] as? [String])
        #expect(description.batchNormNodes == 1)
        #expect(description.batchNormEpsilon == Float((expected["op_default_epsilon"] as? NSNumber)?.doubleValue ?? .nan))
        #expect(MetaGraph.fusedBatchNormDefaultEpsilon == description.batchNormEpsilon)
        // No attachment: hub.get_expected_image_size falls back to the default signature's images input.
        #expect(description.expectedImageSize == [5, 7])
        #expect(description.numChannels == 3)
        #expect(description.numFeatures == 4)
        #expect(description.numClasses == nil)
        #expect(description.parameters == expected["parameters"] as? Int)
        #expect(description.trainableParameters == expected["trainable_parameters"] as? Int)
        #expect(description.variables == expected["variables"] as? Int)
    }

    @Test("directories that are not modules, and modules with a bad tfhub_module.pb, are refused clearly")
    func notModules() throws {
        let empty = try scratch.directory("empty")
        #expect(throws: FormatError.notAModule(directory: empty, reason: "saved_model.pb is missing")) {
            _ = try ModuleInspector.describe(directory: empty)
        }
        #expect(throws: FormatError.notAModule(directory: empty + "/nope", reason: "no such directory")) {
            _ = try ModuleInspector.describe(directory: empty + "/nope")
        }
        let name = try #require(try Fixtures.manifestModules().keys.sorted().first)
        let directory = try scratch.untar(Fixtures.modules + "/\(name).tar.gz", into: "bad")
        try Bytes.write([0x08, 0x04], to: directory + "/tfhub_module.pb")
        #expect(throws: FormatError.unsupported(file: directory + "/tfhub_module.pb", reason: "module format 4; only format 3 exists")) {
            _ = try ModuleInspector.describe(directory: directory)
        }
    }

    @Test("describe reads no tensor data: it works with the data file removed")
    func noDataRead() throws {
        let name = try #require(try Fixtures.manifestModules().keys.sorted().first)
        let directory = try scratch.untar(Fixtures.modules + "/\(name).tar.gz", into: "nodata")
        let before = try ModuleInspector.describe(directory: directory)
        try FileManager.default.removeItem(atPath: directory + "/variables/variables.data-00000-of-00001")
        #expect(try ModuleInspector.describe(directory: directory) == before)
    }
}
