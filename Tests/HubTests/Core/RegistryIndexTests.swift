import HubCore
import Testing

@Suite("Registry index")
struct RegistryIndexTests {
    @Test("latest picks the highest version numerically, and rendering round-trips")
    func latest() throws {
        let text = """
        # comment
        google/x/2
        google/x/10

        google/x/9
        google/y/1
        """
        let index = try RegistryIndex(parsing: text, source: "index.txt")
        #expect(index.latest(for: try ModuleHandle(parsing: "google/x"))?.description == "google/x/10")
        #expect(index.latest(for: try ModuleHandle(parsing: "google/y"))?.description == "google/y/1")
        #expect(index.latest(for: try ModuleHandle(parsing: "google/z")) == nil)
        #expect(index.handles.map(\.description) == ["google/x/2", "google/x/9", "google/x/10", "google/y/1"])
        #expect(try RegistryIndex(parsing: index.rendered(), source: "again") == index)
    }

    @Test("unversioned or malformed lines are rejected with their line number")
    func malformedLines() {
        #expect(throws: RegistryError.malformedIndexLine(
            source: "i.txt", line: 2, reason: "'google/x' is not a versioned publisher/name/version handle")) {
            try RegistryIndex(parsing: "google/x/1\ngoogle/x\n", source: "i.txt")
        }
        #expect(throws: RegistryError.self) { try RegistryIndex(parsing: "./local/1\n", source: "i.txt") }
        #expect(throws: RegistryError.self) { try RegistryIndex(parsing: "google/../x/1\n", source: "i.txt") }
    }
}
