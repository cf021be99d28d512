import Foundation
import ModuleFormats
import Testing

@Suite("SavedModel and tfhub_module.pb readers")
struct SavedModelTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    /// TensorFlow's signature listing (manifest / expected.json form) from our parse.
    static func listing(_ signatures: [String: SignatureDef]) -> [String: [String: [String: [String: String]]]] {
        signatures.mapValues { signature in
            func side(_ infos: [String: SignatureDef.TensorInfo]) -> [String: [String: String]] {
                infos.mapValues { ["name": $0.tensorName, "dtype": $0.dtype.name, "shape": $0.shape.description] }
            }
            return ["inputs": side(signature.inputs), "outputs": side(signature.outputs)]
        }
    }

    /// The same listing from TensorFlow's JSON (shapes printed the way TensorShape prints them).
    static func listing(json: [String: Any]) -> [String: [String: [String: [String: String]]]] {
        (json as? [String: [String: [String: [String: Any]]]] ?? [:]).mapValues { signature in
            signature.mapValues { side in
                side.mapValues { info in
                    ["name": info["name"] as? String ?? "", "dtype": info["dtype"] as? String ?? "",
                     "shape": TensorShape(info["shape"] as? [Int]).description]
                }
            }
        }
    }

    @Test("every fixture module's meta graphs, tags and signatures match what TensorFlow reports")
    func fixtureSignatures() throws {
        let modules = try Fixtures.manifestModules()
        #expect(!modules.isEmpty)
        for (name, module) in modules {
            let archive = Fixtures.modules + "/\(name).tar.gz"
            let directory = try scratch.untar(archive, into: name)
            let model = try SavedModel(path: directory)
            let graphs = try #require(module["meta_graphs"] as? [[String: Any]])
            #expect(model.metaGraphs.map { $0.tags.sorted() } == graphs.map { $0["tags"] as? [String] ?? ["?"] })
            for (graph, expected) in zip(model.metaGraphs, graphs) {
                let tfSignatures = try #require(expected["signatures"] as? [String: Any])
                #expect(Self.listing(graph.signatures) == Self.listing(json: tfSignatures), "\(name) \(graph.tags)")
                let ops = Set(graph.opCounts.keys.filter { $0.hasPrefix("FusedBatchNorm") })
                #expect(ops.sorted() == expected["batch_norm_ops"] as? [String])
            }
            let inference = try #require(model.metaGraph(tags: []))
            #expect(inference.batchNormEpsilon == Float((module["epsilon"] as? NSNumber)?.doubleValue ?? .nan))
            let size = try #require(try inference.defaultImageSize(file: directory))
            #expect([size.height, size.width] == module["image_size"] as? [Int])
            #expect(!inference.hasObjectGraph)
        }
    }

    @Test("a TF2 SavedModel: serve tag, object graph, and a BatchNorm epsilon found inside a function")
    func tf2SavedModel() throws {
        let expected = try #require(try Fixtures.formatsExpected()["tf2_saved_model"] as? [String: Any])
        let graphs = try #require(expected["meta_graphs"] as? [[String: Any]])
        let model = try SavedModel(path: Fixtures.formats + "/tf2_saved_model")
        #expect(model.metaGraphs.count == graphs.count)
        let graph = try #require(model.metaGraphs.first)
        #expect(graph.tags.sorted() == graphs[0]["tags"] as? [String])
        #expect(graph.hasObjectGraph == (graphs[0]["has_object_graph"] as? Bool))
        #expect(Self.listing(graph.signatures) == Self.listing(json: graphs[0]["signatures"] as? [String: Any] ?? [:]))
        let epsilons = try #require(graphs[0]["batch_norm_epsilons"] as? [Double])
        #expect(graph.batchNormEpsilons == epsilons.map { Float($0) })  // float32 attrs, widened by TF
    }

    @Test("truncating saved_model.pb anywhere but between top-level fields is an error")
    func truncations() throws {
        let bytes = try Bytes.read(Fixtures.formats + "/tf2_saved_model/saved_model.pb")
        // Top-level field boundaries: a prefix ending there is itself a valid (smaller) message.
        var boundaries: Set<Int> = [0]
        var reader = ProtobufReader(bytes: bytes, file: "x")
        while let field = try reader.nextField() {
            try reader.skip(field)
            boundaries.insert(reader.position)
        }
        var checked = 0
        for length in stride(from: 0, to: bytes.count, by: 7) where !boundaries.contains(length) {
            #expect(throws: FormatError.self, "length \(length)") {
                _ = try SavedModel(bytes: Array(bytes[..<length]), file: "cut.pb")
            }
            checked += 1
        }
        #expect(checked > 1000)
    }

    @Test("random byte flips in saved_model.pb throw or parse, never crash")
    func byteFlips() throws {
        let bytes = try Bytes.read(Fixtures.formats + "/tf2_saved_model/saved_model.pb")
        var generator = SystemRandomNumberGenerator()
        var failures = 0
        for _ in 0..<2000 {
            var flipped = bytes
            for _ in 0..<3 { flipped[Int.random(in: 0..<bytes.count, using: &generator)] ^= UInt8.random(in: 1...255, using: &generator) }
            do { _ = try SavedModel(bytes: flipped, file: "flip.pb") } catch { failures += 1 }
        }
        #expect(failures > 0)  // a reader that never fails is not checking anything
    }

    @Test("tfhub_module.pb: format 3 accepted; other formats, required features and truncation refused")
    func hubModuleDef() throws {
        #expect(try HubModuleDef(bytes: [0x08, 0x03], file: "m.pb").format == 3)
        #expect(throws: FormatError.unsupported(file: "m.pb", reason: "module format 2; only format 3 exists")) {
            _ = try HubModuleDef(bytes: [0x08, 0x02], file: "m.pb")
        }
        #expect(throws: FormatError.unsupported(file: "m.pb", reason: "module format 0; only format 3 exists")) {
            _ = try HubModuleDef(bytes: [], file: "m.pb")
        }
        #expect(throws: FormatError.unsupported(file: "m.pb", reason: "required features gpu")) {
            _ = try HubModuleDef(bytes: [0x08, 0x03, 0x12, 0x03] + Array("gpu".utf8), file: "m.pb")
        }
        #expect(throws: FormatError.truncated(file: "m.pb", offset: 1, what: "varint")) {
            _ = try HubModuleDef(bytes: [0x08], file: "m.pb")
        }
        for (name, _) in try Fixtures.manifestModules() {
            let directory = try scratch.untar(Fixtures.modules + "/\(name).tar.gz", into: "hub-\(name)")
            #expect(try HubModuleDef(path: directory + "/tfhub_module.pb").format == 3)
        }
    }
}
