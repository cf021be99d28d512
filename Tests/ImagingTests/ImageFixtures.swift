import Foundation
import TestSupport

/// Paths of the committed image fixtures and TensorFlow's outputs for them
/// (made by `Tests/ImagingTests/make_image_fixtures.py`).
enum ImageFixtures {
    static let directory = Repository.fixtures.appendingPathComponent("images")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func expected(_ name: String) throws -> NumpyArray {
        try NumpyArray(path: directory.appendingPathComponent("expected/\(name).npy").path)
    }

    /// How many positions differ (the length difference counts too); used instead of `==` on arrays
    /// so that a failure prints a number, not thousands of samples.
    static func mismatches<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        zip(a, b).reduce(abs(a.count - b.count)) { $0 + ($1.0 == $1.1 ? 0 : 1) }
    }

    /// Largest |a − b| over two equally long arrays (infinity when the lengths differ).
    static func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count else { return .infinity }
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}
