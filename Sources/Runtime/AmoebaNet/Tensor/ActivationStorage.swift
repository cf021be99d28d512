import Foundation

/// The activation memory of one execution plan: a few slots, each one 64-byte aligned allocation.
/// Planning only records sizes; `allocate()` then creates every slot once, so running never allocates.
final class ActivationStorage: @unchecked Sendable {
    private(set) var sizes: [Int] = []
    private var bases: [UnsafeMutablePointer<Float>] = []

    /// Adds a slot of at least `count` floats and returns its index.
    func addSlot(count: Int) -> Int {
        precondition(bases.isEmpty, "slots are added before allocation")
        sizes.append(count)
        return sizes.count - 1
    }

    /// Grows a slot so it holds at least `count` floats.
    func reserve(slot: Int, count: Int) {
        precondition(bases.isEmpty, "slots grow before allocation")
        sizes[slot] = max(sizes[slot], count)
    }

    /// Allocates all slots (zero-filled) after planning.
    func allocate() throws(RuntimeError) {
        for size in sizes {
            var raw: UnsafeMutableRawPointer?
            let bytes = max(size, 16) * MemoryLayout<Float>.size
            guard posix_memalign(&raw, 64, bytes) == 0, let raw else {
                throw RuntimeError.invalidInput("cannot allocate \(bytes) bytes of activation memory")
            }
            memset(raw, 0, bytes)
            bases.append(raw.bindMemory(to: Float.self, capacity: max(size, 16)))
        }
    }

    var totalBytes: Int { sizes.reduce(0, +) * MemoryLayout<Float>.size }

    @inline(__always)
    func pointer(_ ref: BufferRef) -> UnsafeMutablePointer<Float> { bases[ref.slot] + ref.offset }

    deinit { for base in bases { free(base) } }
}

/// Bump allocation of temporaries inside one slot. Temporaries of a cell are released together with
/// `reset(to:)`, so the slot's size is the largest working set of any single cell, not their sum.
final class ScratchArena {
    let slot: Int
    private(set) var top = 0
    private let storage: ActivationStorage

    init(storage: ActivationStorage) {
        self.storage = storage
        self.slot = storage.addSlot(count: 0)
    }

    /// A dense NHWC temporary.
    func tensor(batch: Int, height: Int, width: Int, channels: Int) -> TensorView {
        let count = batch * height * width * channels
        let ref = BufferRef(slot: slot, offset: top)
        top += (count + 15) / 16 * 16
        storage.reserve(slot: slot, count: top)
        return TensorView(ref: ref, batch: batch, height: height, width: width, channels: channels)
    }

    var mark: Int { top }
    func reset(to mark: Int) { top = mark }
}
