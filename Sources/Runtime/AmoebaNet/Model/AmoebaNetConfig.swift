/// The shape of an AmoebaNet-A network as read from a checkpoint's variable names and shapes.
public struct AmoebaNetConfig: Sendable, Equatable {
    /// One cell in execution order.
    public struct Cell: Sendable, Equatable {
        public enum Kind: String, Sendable { case normal, reduction }
        /// Variable scope, e.g. `cell_stem_0`, `cell_3`, `reduction_cell_1`.
        public let scope: String
        public let kind: Kind
        /// F for this cell (channels of each hidden state).
        public let filters: Int
    }

    /// Normal cells in total (18 for `amoebanet_a_n18_f448`).
    public let normalCells: Int
    public let reductionCells: Int
    /// F of the first stack (448 for the published module).
    public let filters: Int
    /// Output channels of the stem convolution.
    public let stemFilters: Int
    /// Logits per image, or nil for a feature-vector module.
    public let classes: Int?
    /// Length of the pooled feature vector.
    public let features: Int
    public let batchNormEpsilon: Float
    /// Expected input height and width.
    public let imageSize: Int
    public let cells: [Cell]

    /// Infers the configuration; throws naming the first variable that does not fit.
    init(weights: WeightSource, epsilon: Float, imageSize: Int) throws(RuntimeError) {
        let stem = try weights.requiredShape(of: "stem/conv0/weights")
        guard stem.count == 4, stem[0] == 3, stem[1] == 3, stem[2] == 3 else {
            throw RuntimeError.unexpectedShape(name: "stem/conv0/weights", expected: [3, 3, 3, -1], found: stem,
                                               module: weights.origin)
        }
        stemFilters = stem[3]
        var normal = 0
        while weights.shape(of: "cell_\(normal)/1x1/weights") != nil { normal += 1 }
        var reductions = 0
        while weights.shape(of: "reduction_cell_\(reductions)/1x1/weights") != nil { reductions += 1 }
        guard normal > 0 else { throw RuntimeError.missingVariable(name: "cell_0/1x1/weights", module: weights.origin) }
        func filtersOf(_ scope: String) throws(RuntimeError) -> Int {
            let shape = try weights.requiredShape(of: "\(scope)/1x1/weights")
            guard shape.count == 4, shape[0] == 1, shape[1] == 1 else {
                throw RuntimeError.unexpectedShape(name: "\(scope)/1x1/weights", expected: [1, 1, -1, -1],
                                                   found: shape, module: weights.origin)
            }
            return shape[3]
        }
        let base = try filtersOf("cell_0")
        // calc_reduction_layers: reduction k goes before normal cell int(k/(R+1)·N).
        let positions = (1 ... max(reductions, 1)).prefix(reductions).map { Int(Double($0) / Double(reductions + 1) * Double(normal)) }
        var cells: [Cell] = []
        for stemIndex in 0 ..< 2 {
            let scope = "cell_stem_\(stemIndex)"
            cells.append(Cell(scope: scope, kind: .reduction, filters: try filtersOf(scope)))
        }
        var scaling = 1
        var reductionIndex = 0
        for n in 0 ..< normal {
            if reductionIndex < reductions && positions[reductionIndex] == n {
                scaling *= 2
                let scope = "reduction_cell_\(reductionIndex)"
                let f = try filtersOf(scope)
                guard f == base * scaling else {
                    throw RuntimeError.notAmoebaNet(module: weights.origin,
                                                    reason: "\(scope) has \(f) filters, expected \(base * scaling)")
                }
                cells.append(Cell(scope: scope, kind: .reduction, filters: f))
                reductionIndex += 1
            }
            let scope = "cell_\(n)"
            let f = try filtersOf(scope)
            guard f == base * scaling else {
                throw RuntimeError.notAmoebaNet(module: weights.origin,
                                                reason: "\(scope) has \(f) filters, expected \(base * scaling)")
            }
            cells.append(Cell(scope: scope, kind: .normal, filters: f))
        }
        normalCells = normal
        reductionCells = reductions
        filters = base
        features = 4 * cells[cells.count - 1].filters
        if let fc = weights.shape(of: "final_layer/FC/weights") {
            guard fc.count == 2, fc[0] == features else {
                throw RuntimeError.unexpectedShape(name: "final_layer/FC/weights", expected: [features, -1],
                                                   found: fc, module: weights.origin)
            }
            classes = fc[1]
        } else {
            classes = nil
        }
        batchNormEpsilon = epsilon
        self.imageSize = imageSize
        self.cells = cells
    }
}
