import Foundation

/// A parsed `Content-Range: bytes START-END/TOTAL` header (TOTAL may be `*`).
package struct ContentRange: Equatable {
    package var start: Int64
    package var end: Int64
    package var total: Int64?

    package init?(_ header: String) {
        let text = header.trimmingCharacters(in: .whitespaces)
        guard text.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = text.dropFirst(6)
        let halves = spec.split(separator: "/", maxSplits: 1)
        guard halves.count == 2 else { return nil }
        let bounds = halves[0].split(separator: "-", maxSplits: 1)
        guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), start <= end else { return nil }
        self.start = start
        self.end = end
        total = halves[1] == "*" ? nil : Int64(halves[1])
    }
}
