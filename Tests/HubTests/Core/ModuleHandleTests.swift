import Foundation
import HubCore
import Testing

@Suite("ModuleHandle parsing")
struct ModuleHandleTests {
    /// Inputs that must parse, with the canonical text and kind they must produce.
    static let valid: [(input: String, canonical: String, version: Int?)] = [
        ("google/imagenet/amoebanet_a_n18_f448/classification/1", "google/imagenet/amoebanet_a_n18_f448/classification/1", 1),
        ("google/imagenet/amoebanet_a_n18_f448/classification", "google/imagenet/amoebanet_a_n18_f448/classification", nil),
        ("pub/model-v2.1/12", "pub/model-v2.1/12", 12),
        ("a/b", "a/b", nil),
        ("https://tfhub.dev/google/imagenet/amoebanet_a_n18_f448/feature_vector/1",
         "google/imagenet/amoebanet_a_n18_f448/feature_vector/1", 1),
        ("http://tfhub.dev/google/x/3?tf-hub-format=compressed", "google/x/3", 3),
        ("https://hub.tensorflow.google.cn/google/x/2/", "google/x/2", 2),
        ("https://www.tfhub.dev/google/x", "google/x", nil),
    ]

    @Test("valid registry handles and tfhub.dev URLs parse to their canonical form", arguments: 0..<8)
    func validHandles(index: Int) throws {
        let case_ = Self.valid[index]
        let handle = try ModuleHandle(parsing: case_.input)
        #expect(handle.description == case_.canonical)
        #expect(handle.version == case_.version)
        #expect(handle.registryParts != nil)
        #expect(handle.needsVersionResolution == (case_.version == nil))
    }

    /// Inputs that must be rejected, with the error they must produce.
    static let invalid: [(input: String, error: HandleError)] = [
        ("", .empty),
        ("   ", .empty),
        ("google", .tooFewParts("google")),
        ("google/1", .tooFewParts("google/1")),
        ("google//x/1", .emptyComponent("google//x/1")),
        ("google/x/1/", .emptyComponent("google/x/1/")),
        ("google/../x/1", .dotComponent("google/../x/1", component: "..")),
        ("google/./x", .dotComponent("google/./x", component: ".")),
        ("Google/x/1", .invalidCharacters("Google/x/1", component: "Google")),
        ("google/x y/1", .invalidCharacters("google/x y/1", component: "x y")),
        ("google/mödel/1", .invalidCharacters("google/mödel/1", component: "mödel")),
        ("google/x/01", .invalidVersion("google/x/01", version: "01")),
        ("google/x/0", .invalidVersion("google/x/0", version: "0")),
        ("ftp://example.com/m.tar.gz", .unsupportedScheme("ftp://example.com/m.tar.gz", scheme: "ftp")),
        ("gs://bucket/m.tar.gz", .unsupportedScheme("gs://bucket/m.tar.gz", scheme: "gs")),
        ("https:///nohost", .malformedURL("https:///nohost", reason: "no host")),
        ("https://tfhub.dev/", .malformedURL("https://tfhub.dev/", reason: "no module handle after the host")),
        ("https://tfhub.dev/google/../x/1", .dotComponent("https://tfhub.dev/google/../x/1", component: "..")),
        ("file://server/share/m.tar.gz", .malformedURL("file://server/share/m.tar.gz",
                                                       reason: "file URLs must be file:///absolute/path")),
    ]

    @Test("malformed handles are rejected with an error naming the fault", arguments: 0..<19)
    func invalidHandles(index: Int) {
        let case_ = Self.invalid[index]
        #expect(throws: case_.error) { try ModuleHandle(parsing: case_.input) }
    }

    @Test("error messages are one line and quote the input")
    func errorMessages() {
        for case_ in Self.invalid where !case_.input.trimmingCharacters(in: .whitespaces).isEmpty {
            let message = case_.error.description
            #expect(!message.contains("\n"))
            #expect(message.contains(case_.input), "\(message)")
        }
    }

    @Test("other http(s) URLs are direct archive URLs")
    func directURLs() throws {
        let url = "http://127.0.0.1:8080/modules/m.tar.gz?x=1"
        #expect(try ModuleHandle(parsing: url).source == .remoteArchive(url: url))
        let https = "https://storage.example.org/tfhub-modules/google/x/1.tar.gz"
        #expect(try ModuleHandle(parsing: https).source == .remoteArchive(url: https))
    }

    @Test("local paths resolve against the current and home directories; directories are told from files")
    func localPaths() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("handle-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/moddir", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }

        #expect(try ModuleHandle(parsing: "./moddir", currentDirectory: root).source == .localDirectory(path: root + "/moddir"))
        #expect(try ModuleHandle(parsing: "./x/../moddir/", currentDirectory: root).source
                == .localDirectory(path: root + "/moddir"))
        #expect(try ModuleHandle(parsing: "../m.tar.gz", currentDirectory: root + "/moddir").source
                == .localArchive(path: root + "/m.tar.gz"))
        #expect(try ModuleHandle(parsing: root + "/moddir").source == .localDirectory(path: root + "/moddir"))
        #expect(try ModuleHandle(parsing: "~/m.zip", homeDirectory: root).source == .localArchive(path: root + "/m.zip"))
        #expect(try ModuleHandle(parsing: "file://" + root + "/moddir").source == .localDirectory(path: root + "/moddir"))
        #expect(try ModuleHandle(parsing: "file:///tmp/a%20b.tar").source == .localArchive(path: "/tmp/a b.tar"))
    }

    @Test("withVersion pins an unversioned handle; init(parts:version:) validates")
    func versionPinning() throws {
        let handle = try ModuleHandle(parsing: "google/x")
        #expect(handle.withVersion(7).description == "google/x/7")
        #expect(try ModuleHandle(parts: ["google", "x"], version: 2).description == "google/x/2")
        #expect(throws: HandleError.self) { try ModuleHandle(parts: ["google", "X"], version: 2) }
    }
}
