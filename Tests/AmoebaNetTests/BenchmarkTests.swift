import AmoebaNet
import COpenBLAS
import Foundation
import Testing

/// Speed measurements, not correctness: run with
/// `RUN_BENCHMARKS=1 swift test -c release --filter AmoebaNetBenchmarks` (plus `HUBCTL_FULL_MODULE=<dir>` for
/// the whole network; `HUBCTL_PRECISION=bf16` for bf16, `HUBCTL_PREPARED_WEIGHTS=<file>` to use a prepared-weights
/// file). They print their numbers; docs/runtime.md records them.
@Suite("AmoebaNetBenchmarks", .enabled(if: ProcessInfo.processInfo.environment["RUN_BENCHMARKS"] == "1"))
struct AmoebaNetBenchmarks {
    static let threads = ProcessInfo.processInfo.activeProcessorCount

    @Test("oneDNN matmul vs OpenBLAS sgemm on the network's 1×1-convolution shapes")
    func gemmBackends() throws {
        // (pixels per image, K, N, ldc): h0 1x1 and prev_1x1 into a concat slice, pointwise into a temp and
        // into a slice, for each of the three stacks at 331×331.
        let shapes: [(Int, Int, Int, Int)] = [
            (42 * 42, 1792, 448, 448), (42 * 42, 1792, 448, 1792), (42 * 42, 448, 448, 448), (42 * 42, 448, 448, 1792),
            (21 * 21, 3584, 896, 896), (21 * 21, 896, 896, 3584),
            (11 * 11, 7168, 1792, 1792), (11 * 11, 1792, 1792, 7168),
        ]
        print("batch      M      K      N    ldc   oneDNN GFLOP/s  OpenBLAS GFLOP/s  oneDNN impl")
        for batch in [1, 8] {
            for (pixels, k, n, ldc) in shapes {
                let result = try GemmBenchmark.measure(m: pixels * batch, k: k, n: n, ldc: ldc,
                                                       iterations: batch == 1 ? 10 : 3, threads: Self.threads)
                let openblas = Self.sgemmGFLOPS(m: pixels * batch, k: k, n: n, ldc: ldc,
                                                iterations: batch == 1 ? 10 : 3)
                print(String(format: "%5d %6d %6d %6d %6d %16.1f %17.1f  ", batch, result.m, k, n, ldc,
                             result.onednnGFLOPS, openblas) + result.onednnImplementation)
                #expect(result.onednnGFLOPS > 0 && openblas > 0)
            }
        }
    }

    /// OpenBLAS `cblas_sgemm` on the same shape and strides as `GemmBenchmark` gives oneDNN.
    static func sgemmGFLOPS(m: Int, k: Int, n: Int, ldc: Int, iterations: Int) -> Double {
        let a = [Float](repeating: 0.5, count: m * k), b = [Float](repeating: 0.01, count: k * n)
        var c = [Float](repeating: 0, count: m * ldc)
        openblas_set_num_threads(Int32(threads))
        func multiply() {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b,
                        Int32(n), 0, &c, Int32(ldc))
        }
        multiply()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0 ..< iterations { multiply() }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(iterations)
        return 2.0 * Double(m) * Double(k) * Double(n) / seconds / 1e9
    }

    @Test("Whole network: load, batch-1 latency, batch-8 per-image time, peak RSS")
    func wholeNetwork() throws {
        let environment = ProcessInfo.processInfo.environment
        let precision = RuntimeOptions.Precision(rawValue: environment["HUBCTL_PRECISION"] ?? "fp32") ?? .fp32
        let options = RuntimeOptions(precision: precision, preparedWeightsPath: environment["HUBCTL_PREPARED_WEIGHTS"])
        print("precision \(precision.rawValue)")
        let clock = ContinuousClock()
        var model: AmoebaNetModel?
        let load: Duration
        if let directory = environment["HUBCTL_FULL_MODULE"] {
            load = try clock.measure { model = try AmoebaNetModel(moduleDirectory: directory, options: options) }
        } else if environment["HUBCTL_SYNTHETIC_FULL"] == "1" {
            // Random N=18/F=448 weights in memory: right for speed, meaningless for RSS.
            let variables = NaiveAmoebaNet.randomVariables(normal: 18, filters: 448, stemFilters: 32, classes: 1001,
                                                           seed: 3)
            let source = InMemoryWeightSource(origin: "synthetic-full")
            for (name, tensor) in variables { source.set(name, shape: tensor.shape, values: tensor.values) }
            load = try clock.measure {
                model = try AmoebaNetModel(source: source, epsilon: 1e-5, imageSize: 331, directory: "synthetic-full",
                                           options: options)
            }
        } else {
            print("set HUBCTL_FULL_MODULE=<dir> or HUBCTL_SYNTHETIC_FULL=1 for the whole-network benchmark")
            return
        }
        let network = try #require(model)
        print(String(format: "peak RSS after load %.2f GB", peakResidentGB())
              + " (prepared weights reused: \(network.reusedPreparedWeights))")
        let size = network.config.imageSize
        var random = SeededGenerator(seed: 1)
        let one = random.floats(size * size * 3, 0, 1)
        var first: [Float] = []
        let firstCall = try clock.measure { first = try network.run(images: one, batch: 1, height: size, width: size) }
        var latencies: [Double] = []
        for _ in 0 ..< 5 {
            let elapsed = try clock.measure { _ = try network.run(images: one, batch: 1, height: size, width: size) }
            latencies.append(seconds(elapsed))
        }
        latencies.sort()
        print(String(format: "peak RSS after batch 1 %.2f GB", peakResidentGB()))
        let eight = (0 ..< 8).flatMap { _ in one }
        _ = try network.run(images: eight, batch: 8, height: size, width: size)
        var perImage: [Double] = []
        for _ in 0 ..< 2 {
            let elapsed = try clock.measure { _ = try network.run(images: eight, batch: 8, height: size, width: size) }
            perImage.append(seconds(elapsed) / 8)
        }
        let multiplyAdds = 126.5e9
        let median = latencies[2]
        print(String(format: "load %.2f s, first call %.2f s", seconds(load), seconds(firstCall)))
        print(String(format: "batch 1: median %.3f s (min %.3f, max %.3f) = %.0f GFLOP/s", median, latencies[0],
                     latencies[4], 2 * multiplyAdds / median / 1e9))
        print(String(format: "batch 8: %.3f s per image (best of 2) = %.0f GFLOP/s", perImage.min()!,
                     2 * multiplyAdds / perImage.min()! / 1e9))
        print(String(format: "peak RSS %.2f GB, folded weights %.2f GB", peakResidentGB(),
                     Double(network.weightBytes) / 1e9))
        for batch in [1, 8] {
            let profile = try network.profile(image: one, batch: batch)
            let total = profile.values.reduce(0, +)
            print("profile at batch \(batch) (step by step, \(String(format: "%.3f", total)) s):")
            for (category, time) in profile.sorted(by: { $0.value > $1.value }) {
                let name = category.padding(toLength: 34, withPad: " ", startingAt: 0)
                print("  " + name + String(format: "%8.3f s  %5.1f%%", time, 100 * time / total))
            }
        }
        #expect(first.count == (network.config.classes ?? network.config.features))
    }

    /// Peak resident set of this process so far, in GB.
    private func peakResidentGB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1e6
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
