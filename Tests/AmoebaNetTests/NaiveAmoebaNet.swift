import AmoebaNet

/// AmoebaNet-A written directly from the spec (sections A.4–A.9) on the naive Double operations, plus a
/// generator of a complete, correctly named random checkpoint for small configurations. The runtime must
/// agree with it; the TensorFlow fixtures check both against the real thing.
struct NaiveAmoebaNet {
    typealias Variables = [String: (shape: [Int], values: [Float])]
    let variables: Variables
    let epsilon: Double

    private static let normalOps = ["avg", "max", "sep3", "none", "none", "avg", "sep3", "sep5", "avg", "sep3"]
    private static let normalInputs = [0, 0, 1, 1, 0, 1, 0, 2, 5, 0]
    private static let normalOutput = [1, 3, 4, 6]
    private static let reductionOps = ["sep3", "avg", "max", "sep7", "max", "max", "sep3", "1x7", "avg", "sep7"]
    private static let reductionInputs = [1, 0, 0, 2, 1, 0, 4, 0, 1, 0]
    private static let reductionOutput = [2, 3, 4, 5, 6]

    /// Cell scopes and filters in execution order for `normal` normal cells, 2 reductions, base `filters`.
    static func cells(normal: Int, filters: Int) -> [(scope: String, reduction: Bool, filters: Int)] {
        var cells: [(String, Bool, Int)] = [("cell_stem_0", true, filters / 4), ("cell_stem_1", true, filters / 2)]
        let positions = [Int(Double(normal) / 3), Int(Double(normal) * 2 / 3)]
        var scale = 1, next = 0
        for n in 0 ..< normal {
            if next < 2 && positions[next] == n {
                scale *= 2
                cells.append(("reduction_cell_\(next)", true, filters * scale))
                next += 1
            }
            cells.append(("cell_\(n)", false, filters * scale))
        }
        return cells
    }

    private func values(_ name: String) -> [Double] {
        guard let tensor = variables[name] else { fatalError("naive network: no variable \(name)") }
        return tensor.values.map(Double.init)
    }

    private func bn(_ x: NaiveTensor, _ scope: String) -> NaiveTensor {
        Naive.batchNorm(x, gamma: values("\(scope)/gamma"), beta: values("\(scope)/beta"),
                        mean: values("\(scope)/moving_mean"), variance: values("\(scope)/moving_variance"),
                        epsilon: epsilon)
    }

    private func conv1x1(_ x: NaiveTensor, _ name: String) -> NaiveTensor {
        let cout = variables[name]!.shape[3]
        return Naive.conv(x, values(name), kh: 1, kw: 1, cout: cout, strideH: 1, strideW: 1)
    }

    private func separable(_ x: NaiveTensor, scope: String, k: Int, stride: Int) -> NaiveTensor {
        var y = x
        for index in 1 ... 2 {
            let name = "\(scope)/separable_\(k)x\(k)_\(index)"
            y = Naive.relu(y)
            y = Naive.depthwise(y, values("\(name)/depthwise_weights"), k: k, stride: index == 1 ? stride : 1)
            y = conv1x1(y, "\(name)/pointwise_weights")
            y = bn(y, "\(scope)/bn_sep_\(k)x\(k)_\(index)")
        }
        return y
    }

    private func operation(_ op: String, _ x: NaiveTensor, scope: String, stride: Int, filters: Int) -> NaiveTensor {
        switch op {
        case "sep3", "sep5", "sep7":
            return separable(x, scope: scope, k: Int(String(op.last!))!, stride: stride)
        case "avg", "max":
            var y = Naive.pool(x, average: op == "avg", stride: stride)
            if x.channels != filters { y = bn(conv1x1(y, "\(scope)/1x1/weights"), "\(scope)/bn_1") }
            return y
        case "none":
            return x
        default:  // 1x7_7x1
            var y = bn(conv1x1(Naive.relu(x), "\(scope)/pre_1x1/weights"), "\(scope)/pre_bn")
            let r = y.channels
            y = Naive.conv(Naive.relu(y), values("\(scope)/1x7/weights"), kh: 1, kw: 7, cout: r, strideH: 1,
                           strideW: stride)
            y = bn(y, "\(scope)/bn_1x7_7x1")
            y = Naive.conv(Naive.relu(y), values("\(scope)/7x1/weights"), kh: 7, kw: 1, cout: r, strideH: stride,
                           strideW: 1)
            y = bn(y, "\(scope)/bn")
            return bn(conv1x1(Naive.relu(y), "\(scope)/post_1x1/weights"), "\(scope)/post_bn")
        }
    }

    private func cell(_ x: NaiveTensor, _ p: NaiveTensor?, scope: String, reduction: Bool, filters: Int) -> NaiveTensor {
        var h1: NaiveTensor
        if let p {
            if p.width != x.width {
                h1 = bn(Naive.factorizedPaths(Naive.relu(p), path1: values("\(scope)/path1_conv/weights"),
                                              path2: values("\(scope)/path2_conv/weights"), half: filters / 2),
                        "\(scope)/final_path_bn")
            } else if p.channels != filters {
                h1 = bn(conv1x1(Naive.relu(p), "\(scope)/prev_1x1/weights"), "\(scope)/prev_bn")
            } else {
                h1 = p
            }
        } else {
            h1 = x
        }
        let h0 = bn(conv1x1(Naive.relu(x), "\(scope)/1x1/weights"), "\(scope)/beginning_bn")
        var states = [h0, h1]
        let ops = reduction ? Self.reductionOps : Self.normalOps
        let inputs = reduction ? Self.reductionInputs : Self.normalInputs
        for combination in 0 ..< 5 {
            var sides: [NaiveTensor] = []
            for side in 0 ..< 2 {
                let index = 2 * combination + side
                let input = inputs[index]
                let stride = reduction && input < 2 ? 2 : 1
                sides.append(operation(ops[index], states[input],
                                       scope: "\(scope)/comb_iter_\(combination)/\(side == 0 ? "left" : "right")",
                                       stride: stride, filters: filters))
            }
            states.append(Naive.add(sides[0], sides[1]))
        }
        return Naive.concat((reduction ? Self.reductionOutput : Self.normalOutput).map { states[$0] })
    }

    /// Returns (features [batch, C], logits [batch, classes] or nil) for NHWC images in [0, 1].
    func run(images: [Float], batch: Int, size: Int, normal: Int, filters: Int) -> (features: [Double], logits: [Double]?) {
        var x = NaiveTensor(floats: images, batch: batch, height: size, width: size, channels: 3)
        x.values = x.values.map { $0 * 2 - 1 }
        let stemFilters = variables["stem/conv0/weights"]!.shape[3]
        x = bn(Naive.conv(x, values("stem/conv0/weights"), kh: 3, kw: 3, cout: stemFilters, strideH: 2, strideW: 2,
                          valid: true), "stem/conv0_bn")
        var previous: NaiveTensor? = nil
        for cell in Self.cells(normal: normal, filters: filters) {
            let output = self.cell(x, previous, scope: cell.scope, reduction: cell.reduction, filters: cell.filters)
            previous = x
            x = output
        }
        let y = Naive.relu(x)
        var features = [Double](repeating: 0, count: batch * y.channels)
        for n in 0 ..< batch {
            for yy in 0 ..< y.height {
                for xx in 0 ..< y.width {
                    for c in 0 ..< y.channels { features[n * y.channels + c] += y[n, yy, xx, c] }
                }
            }
        }
        features = features.map { $0 / Double(y.height * y.width) }
        guard let fc = variables["final_layer/FC/weights"] else { return (features, nil) }
        let classes = fc.shape[1]
        let w = values("final_layer/FC/weights"), b = values("final_layer/FC/biases")
        var logits = [Double](repeating: 0, count: batch * classes)
        for n in 0 ..< batch {
            for k in 0 ..< classes {
                var sum = b[k]
                for c in 0 ..< y.channels { sum += features[n * y.channels + c] * w[c * classes + k] }
                logits[n * classes + k] = sum
            }
        }
        return (features, logits)
    }

    /// A complete random checkpoint for AmoebaNet-A with `normal` normal cells and base `filters`,
    /// named and shaped as in spec section B.
    static func randomVariables(normal: Int, filters: Int, stemFilters: Int, classes: Int?,
                                seed: UInt64) -> Variables {
        var random = SeededGenerator(seed: seed)
        var variables: Variables = [:]
        func conv(_ name: String, _ shape: [Int]) {
            let fanIn = Float(shape[0] * shape[1] * (shape[3] == 1 ? 1 : shape[2]))
            let limit = (3 / fanIn).squareRoot()
            variables[name] = (shape, random.floats(shape.reduce(1, *), -limit, limit))
        }
        func bn(_ scope: String, _ channels: Int) {
            variables["\(scope)/gamma"] = ([channels], random.floats(channels, 0.6, 1.2))
            variables["\(scope)/beta"] = ([channels], random.floats(channels, -0.2, 0.2))
            variables["\(scope)/moving_mean"] = ([channels], random.floats(channels, -0.2, 0.2))
            variables["\(scope)/moving_variance"] = ([channels], random.floats(channels, 0.5, 2))
        }
        func separable(_ scope: String, k: Int, cin: Int, f: Int) {
            for index in 1 ... 2 {
                let c = index == 1 ? cin : f
                conv("\(scope)/separable_\(k)x\(k)_\(index)/depthwise_weights", [k, k, c, 1])
                conv("\(scope)/separable_\(k)x\(k)_\(index)/pointwise_weights", [1, 1, c, f])
                bn("\(scope)/bn_sep_\(k)x\(k)_\(index)", f)
            }
        }
        conv("stem/conv0/weights", [3, 3, 3, stemFilters])
        bn("stem/conv0_bn", stemFilters)
        var channels: [Int] = [stemFilters]  // output channels per layer, stem first
        var widths: [Int] = [0]              // relative resolution level
        for (index, cell) in cells(normal: normal, filters: filters).enumerated() {
            let s = cell.scope, f = cell.filters
            let cx = channels[index]
            let level = widths[index] + (cell.reduction ? 1 : 0)
            if index > 0 {
                let cp = channels[index - 1]
                if widths[index - 1] != widths[index] {
                    conv("\(s)/path1_conv/weights", [1, 1, cp, f / 2])
                    conv("\(s)/path2_conv/weights", [1, 1, cp, f / 2])
                    bn("\(s)/final_path_bn", f)
                } else if cp != f {
                    conv("\(s)/prev_1x1/weights", [1, 1, cp, f])
                    bn("\(s)/prev_bn", f)
                }
            }
            conv("\(s)/1x1/weights", [1, 1, cx, f])
            bn("\(s)/beginning_bn", f)
            if cell.reduction {
                let ch1 = index == 0 ? cx : f
                separable("\(s)/comb_iter_0/left", k: 3, cin: ch1, f: f)
                separable("\(s)/comb_iter_1/right", k: 7, cin: f, f: f)
                separable("\(s)/comb_iter_3/left", k: 3, cin: f, f: f)
                let r = f / 4
                conv("\(s)/comb_iter_3/right/pre_1x1/weights", [1, 1, f, r])
                bn("\(s)/comb_iter_3/right/pre_bn", r)
                conv("\(s)/comb_iter_3/right/1x7/weights", [1, 7, r, r])
                bn("\(s)/comb_iter_3/right/bn_1x7_7x1", r)
                conv("\(s)/comb_iter_3/right/7x1/weights", [7, 1, r, r])
                bn("\(s)/comb_iter_3/right/bn", r)
                conv("\(s)/comb_iter_3/right/post_1x1/weights", [1, 1, r, f])
                bn("\(s)/comb_iter_3/right/post_bn", f)
                separable("\(s)/comb_iter_4/right", k: 7, cin: f, f: f)
                if ch1 != f {
                    for scope in ["\(s)/comb_iter_2/left", "\(s)/comb_iter_4/left"] {
                        conv("\(scope)/1x1/weights", [1, 1, ch1, f])
                        bn("\(scope)/bn_1", f)
                    }
                }
                channels.append(5 * f)
            } else {
                separable("\(s)/comb_iter_1/left", k: 3, cin: f, f: f)
                separable("\(s)/comb_iter_3/left", k: 3, cin: f, f: f)
                separable("\(s)/comb_iter_3/right", k: 5, cin: f, f: f)
                separable("\(s)/comb_iter_4/right", k: 3, cin: f, f: f)
                channels.append(4 * f)
            }
            widths.append(level)
        }
        if let classes {
            let features = channels.last!
            let limit = (3 / Float(features)).squareRoot()
            variables["final_layer/FC/weights"] = ([features, classes], random.floats(features * classes, -limit, limit))
            variables["final_layer/FC/biases"] = ([classes], random.floats(classes, -0.1, 0.1))
        }
        return variables
    }
}
