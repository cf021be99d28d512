import AmoebaNet
import Foundation
import HubCore

/// Timings of a module's runtime measured in-process, for `hubctl bench` and the benchmark script
/// that sets them beside TensorFlow's.
public struct ModuleBenchmark: Sendable, Codable {
    /// Loading the weights and planning batch 1 (seconds).
    public var loadSeconds: Double
    /// The first batch-1 call after loading.
    public var firstCallSeconds: Double
    /// Median batch-1 latency over `repeats` calls after one warm-up.
    public var batch1MedianSeconds: Double
    public var batch1Seconds: [Double]
    public var batch: Int
    /// Median time per image at `batch`.
    public var batchPerImageSeconds: Double
    /// Peak resident set size of this process so far (bytes, from /proc/self/status VmHWM).
    public var peakRSSBytes: Int
    public var threads: Int
    public var precision: String

    enum CodingKeys: String, CodingKey {
        case batch, threads, precision
        case loadSeconds = "load_s"
        case firstCallSeconds = "first_call_s"
        case batch1MedianSeconds = "batch1_median_s"
        case batch1Seconds = "batch1_all_s"
        case batchPerImageSeconds = "batch_per_image_s"
        case peakRSSBytes = "peak_rss_bytes"
    }

    /// Runs `module` on deterministic pseudo-random images: load, first call, `repeats` batch-1 calls
    /// after a warm-up, then batch `batch` (at least two timed calls).
    public static func measure(_ module: HubModule, batch: Int, repeats: Int, signature: String = "default")
        throws(HubKitError) -> ModuleBenchmark
    {
        let size = module.expectedImageSize
        let sample = size.height * size.width * 3
        var state: UInt32 = 12345
        let images = (0..<(sample * max(1, batch))).map { _ -> Float in
            state = state &* 1_664_525 &+ 1_013_904_223
            return Float(state >> 8) / Float(1 << 24)
        }
        let one = Array(images[0..<sample])
        let clock = ContinuousClock()
        func seconds(since start: ContinuousClock.Instant) -> Double { (clock.now - start).seconds }
        // Loading happens on the first call to loadRuntime; 0 when the caller had loaded it already.
        var start = clock.now
        let runtime = try module.loadRuntime()
        let load = seconds(since: start)
        start = clock.now
        _ = try module(images: one, batch: 1, signature: signature)
        let first = seconds(since: start)
        var batch1: [Double] = []
        for _ in 0..<max(1, repeats) {
            start = clock.now
            _ = try module(images: one, batch: 1, signature: signature)
            batch1.append(seconds(since: start))
        }
        var perImage: [Double] = []
        if batch > 1 {
            _ = try module(images: images, batch: batch, signature: signature)
            for _ in 0..<max(2, repeats / 2) {
                start = clock.now
                _ = try module(images: images, batch: batch, signature: signature)
                perImage.append(seconds(since: start) / Double(batch))
            }
        } else {
            perImage = batch1
        }
        return ModuleBenchmark(loadSeconds: load, firstCallSeconds: first, batch1MedianSeconds: median(batch1),
                               batch1Seconds: batch1, batch: batch, batchPerImageSeconds: median(perImage),
                               peakRSSBytes: peakResidentBytes(), threads: runtime.options.threads ?? ProcessInfo.processInfo.activeProcessorCount,
                               precision: runtime.options.precision.rawValue)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2]
            : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    /// VmHWM of this process, in bytes (0 where /proc is unavailable).
    public static func peakResidentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count >= 2, let kib = Int(parts[1]) { return kib * 1024 }
        }
        return 0
    }
}
