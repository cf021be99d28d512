/// TensorFlow's SAME padding along one axis: out = ceil(in / s), and the odd padding row or column goes
/// after (bottom/right).
struct SamePadding: Equatable {
    let output: Int
    let before: Int
    let after: Int

    init(input: Int, kernel: Int, stride: Int) {
        output = (input + stride - 1) / stride
        let total = max((output - 1) * stride + kernel - input, 0)
        before = total / 2
        after = total - before
    }
}

extension SamePadding {
    /// VALID padding: no padding, out = floor((in − k) / s) + 1.
    init(validInput input: Int, kernel: Int, stride: Int) {
        self.init(output: (input - kernel) / stride + 1, before: 0, after: 0)
    }

    private init(output: Int, before: Int, after: Int) {
        self.output = output
        self.before = before
        self.after = after
    }
}
