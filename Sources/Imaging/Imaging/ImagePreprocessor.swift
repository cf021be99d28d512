import Dispatch
import Foundation

/// The network-input path for image files: decode → optional central crop → bilinear resize,
/// written straight into a caller-provided slot of an NHWC float32 batch (no intermediate float image).
/// Each file succeeds or fails on its own, so one broken file does not stop a batch.
///
/// ```swift
/// let prep = try ImagePreprocessor(height: 331, width: 331, centralCropFraction: 0.875)
/// var batch = [Float](repeating: 0, count: paths.count * prep.sampleCount)
/// let errors = batch.withUnsafeMutableBufferPointer { prep.loadBatch(paths: paths, into: $0) }
/// ```
public struct ImagePreprocessor: Sendable, Equatable {
    /// Output rows.
    public let height: Int
    /// Output columns.
    public let width: Int
    /// `tf.image.central_crop` fraction applied before resizing; nil keeps the whole image.
    public let centralCropFraction: Double?
    /// true: `tf.image.resize` bilinear (half-pixel centres, the default); false: TF1 legacy resize.
    public let halfPixelCenters: Bool

    /// Throws `invalidParameter` for a non-positive size or a crop fraction outside (0, 1].
    public init(height: Int, width: Int, centralCropFraction: Double? = nil, halfPixelCenters: Bool = true)
        throws(ImagingError)
    {
        guard height > 0, width > 0 else {
            throw .invalidParameter(name: "output size", value: "\(width)x\(height)", reason: "must be positive")
        }
        if let fraction = centralCropFraction { try CropWindow.validate(fraction: fraction) }
        self.height = height
        self.width = width
        self.centralCropFraction = centralCropFraction
        self.halfPixelCenters = halfPixelCenters
    }

    /// Floats per image: `height * width * 3`.
    public var sampleCount: Int { height * width * 3 }

    /// Decodes, crops and resizes the file at `path` into `slot` (exactly `sampleCount` floats).
    public func load(path: String, into slot: UnsafeMutableBufferPointer<Float>) throws(ImagingError) {
        try load(ImageDecoder.decodeSamples(path: path), into: slot)
    }

    /// The same for an in-memory file; `name` is what errors report.
    public func load(data: Data, name: String, into slot: UnsafeMutableBufferPointer<Float>) throws(ImagingError) {
        try load(ImageDecoder.decodeSamples(data: data, name: name), into: slot)
    }

    /// Crops and resizes an already decoded image into `slot` (exactly `sampleCount` floats).
    public func load(image: RGBImage, into slot: UnsafeMutableBufferPointer<Float>) throws(ImagingError) {
        precondition(slot.count == sampleCount, "slot holds \(slot.count) floats, needs \(sampleCount)")
        let window = try cropWindow(width: image.width, height: image.height)
        image.pixels.withUnsafeBufferPointer { source in
            BilinearKernel.resize(source: source, sourceWidth: image.width, window: window, into: slot,
                                  height: height, width: width, halfPixelCenters: halfPixelCenters)
        }
    }

    /// Decodes, crops and resizes one file into a new `RGBImage`.
    public func image(path: String) throws(ImagingError) -> RGBImage {
        var pixels = [Float](repeating: 0, count: sampleCount)
        var failure: ImagingError?
        pixels.withUnsafeMutableBufferPointer { slot in
            do throws(ImagingError) { try load(path: path, into: slot) } catch { failure = error }
        }
        if let failure { throw failure }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Loads `paths[i]` into the i-th `sampleCount`-float slot of `batch`, decoding files in parallel
    /// on up to `maxConcurrency` threads (default: all cores). Returns one entry per path: nil when the
    /// slot was filled, the error otherwise (that slot is zero-filled).
    public func loadBatch(paths: [String], into batch: UnsafeMutableBufferPointer<Float>,
                          maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount) -> [ImagingError?]
    {
        precondition(batch.count >= paths.count * sampleCount,
                     "batch holds \(batch.count) floats, \(paths.count) images need \(paths.count * sampleCount)")
        let results = UnsafeMutableBufferPointer<ImagingError?>.allocate(capacity: paths.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        let shared = BatchBuffers(batch: batch, results: results)
        let workers = max(1, min(maxConcurrency, paths.count))
        let next = WorkCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.increment()
                if index >= paths.count { return }
                let slot = UnsafeMutableBufferPointer(rebasing:
                    shared.batch[(index * sampleCount)..<((index + 1) * sampleCount)])
                do throws(ImagingError) {
                    try load(path: paths[index], into: slot)
                } catch {
                    slot.update(repeating: 0)
                    shared.results[index] = error
                }
            }
        }
        return Array(results)
    }

    private func load(_ decoded: DecodedImage, into slot: UnsafeMutableBufferPointer<Float>) throws(ImagingError) {
        precondition(slot.count == sampleCount, "slot holds \(slot.count) floats, needs \(sampleCount)")
        let window = try cropWindow(width: decoded.width, height: decoded.height)
        switch decoded.samples {
        case .eight(let samples):
            samples.withUnsafeBufferPointer { source in
                BilinearKernel.resize(source: source, sourceWidth: decoded.width, window: window, into: slot,
                                      height: height, width: width, halfPixelCenters: halfPixelCenters)
            }
        case .sixteen(let samples):
            samples.withUnsafeBufferPointer { source in
                BilinearKernel.resize(source: source, sourceWidth: decoded.width, window: window, into: slot,
                                      height: height, width: width, halfPixelCenters: halfPixelCenters)
            }
        }
    }

    /// The part of a `width` × `height` image that is resized: the central crop, or all of it.
    private func cropWindow(width: Int, height: Int) throws(ImagingError) -> CropWindow {
        guard let fraction = centralCropFraction else { return .whole(width: width, height: height) }
        return try CropWindow.central(width: width, height: height, fraction: fraction)
    }
}

/// The batch and result buffers shared by `loadBatch`'s workers; each worker writes only the
/// disjoint slots of the indices it claimed, so unsynchronised access is safe.
private struct BatchBuffers: @unchecked Sendable {
    let batch: UnsafeMutableBufferPointer<Float>
    let results: UnsafeMutableBufferPointer<ImagingError?>
}

/// A shared counter handing out work indices to `loadBatch`'s workers.
private final class WorkCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        let current = value
        value += 1
        return current
    }
}
