/// Accumulates op counts and BatchNorm epsilons while walking a GraphDef's nodes and function bodies.
struct GraphScan {
    var opCounts: [String: Int] = [:]
    var epsilons: [Float] = []

    /// GraphDef: node = 1 (NodeDef), library = 2 (FunctionDefLibrary: function = 1 → FunctionDef: node_def = 3).
    mutating func scanGraph(_ graph: inout ProtobufReader) throws(FormatError) {
        while let field = try graph.nextField() {
            switch field.number {
            case 1:
                try graph.expect(field, .lengthDelimited, "GraphDef.node")
                var node = try graph.readMessage()
                try scanNode(&node)
            case 2:
                try graph.expect(field, .lengthDelimited, "GraphDef.library")
                var library = try graph.readMessage()
                while let libraryField = try library.nextField() {
                    guard libraryField.number == 1, libraryField.wireType == .lengthDelimited else {
                        try library.skip(libraryField); continue
                    }
                    var function = try library.readMessage()
                    while let functionField = try function.nextField() {
                        guard functionField.number == 3, functionField.wireType == .lengthDelimited else {
                            try function.skip(functionField); continue
                        }
                        var node = try function.readMessage()
                        try scanNode(&node)
                    }
                }
            default:
                try graph.skip(field)
            }
        }
    }

    /// NodeDef: op = 2, attr = 5 (map string → AttrValue, whose `f` = 4 is a float32).
    mutating func scanNode(_ node: inout ProtobufReader) throws(FormatError) {
        let start = node
        var op = ""
        while let field = try node.nextField() {
            if field.number == 2 {
                try node.expect(field, .lengthDelimited, "NodeDef.op")
                op = try node.readString()
            } else {
                try node.skip(field)
            }
        }
        opCounts[op, default: 0] += 1
        guard MetaGraph.batchNormOps.contains(op) else { return }
        var epsilon = MetaGraph.fusedBatchNormDefaultEpsilon
        var again = start
        while let field = try again.nextField() {
            guard field.number == 5, field.wireType == .lengthDelimited else { try again.skip(field); continue }
            let (key, value) = try again.readMapEntry(valueName: "AttrValue") { (attr) throws(FormatError) -> Float? in
                var float: Float?
                while let attrField = try attr.nextField() {
                    if attrField.number == 4 {
                        try attr.expect(attrField, .fixed32, "AttrValue.f")
                        float = try attr.readFloat()
                    } else {
                        try attr.skip(attrField)
                    }
                }
                return float
            }
            if key == "epsilon", let value = value ?? nil { epsilon = value }
        }
        epsilons.append(epsilon)
    }
}
