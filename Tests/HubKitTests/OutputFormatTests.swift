import Foundation
import HubKit
import Testing
import TestSupport

@Suite("Output helpers")
struct OutputFormatTests {
    @Test("softmax top-k equals a naive Double computation", arguments: [1, 3, 10])
    func topK(k: Int) {
        var state: UInt32 = 7
        let logits = (0..<1001).map { _ -> Float in
            state = state &* 1_103_515_245 &+ 12345
            return Float(Int(state >> 16) % 2000 - 1000) / 37
        }
        let labels = LabelSet(names: (0..<1001).map { "c\($0)" })
        let top = HubModule.topK(logits: logits, k: k, labels: labels)
        let denominator = logits.map { exp(Double($0)) }.reduce(0, +)
        let expected = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        #expect(top.map(\.index) == Array(expected.prefix(k)))
        for prediction in top {
            #expect(abs(prediction.probability - exp(Double(logits[prediction.index])) / denominator) < 1e-12)
            #expect(prediction.label == "c\(prediction.index)")
        }
    }

    @Test(".npy files round-trip through the reader and keep their shape")
    func npyRoundTrip() throws {
        let folder = try TemporaryDirectory(prefix: "npy")
        for shape in [[3], [2, 5], [1, 7168]] {
            let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.25 - 3 }
            let path = folder.appending("a.npy")
            try NPYWriter.write(values, shape: shape, to: path)
            let read = try NPYFile(path: path)
            #expect(read.shape == shape)
            #expect(read.values == values)
            let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect((size - values.count * 4) % 64 == 0, "header must pad to 64 bytes")
        }
        #expect(throws: HubKitError.self) { try NPYWriter.write([1, 2, 3], shape: [2, 2], to: folder.appending("b.npy")) }
    }

    @Test("label files: one name per line, trailing blank lines ignored")
    func labels() {
        let set = LabelSet(text: "background\ntench\ngoldfish\n\n")
        #expect(set.names == ["background", "tench", "goldfish"])
        #expect(set[1] == "tench")
        #expect(set[3] == nil)
    }
}
