import Dispatch

/// A ring of fixed-size blocks whose contents are SHA-256 hashed, in order, by jobs on a serial queue, so
/// a producer (a download, an archive reader) fills the next block on its own core while the previous
/// ones are hashed on the other. SHA-256 of a 1.7 GB module is about a second of CPU.
///
/// A block from `nextBlock()` is the producer's until it is submitted or released, and is handed out
/// again only after its hash job ran; with more than one block, the block handed out last is never the
/// one being refilled, so it stays readable until the producer asks for another.
///
/// `@unchecked Sendable`: the hasher is touched by hash jobs on `queue` only, and by `finalize()` after
/// the queue is drained; blocks change hands through the semaphore. One producer thread at a time.
public final class HashingBlockRing: @unchecked Sendable {
    /// The serial queue the hash jobs run on (callers may queue their own work behind them).
    public let queue: DispatchQueue
    private let blocks: [UnsafeMutableRawBufferPointer]
    private let free: DispatchSemaphore
    private var next = 0
    private let hasher = SHA256Hasher()

    public init(blockSize: Int = 1 << 20, blockCount: Int = 4,
                queue: DispatchQueue = DispatchQueue(label: "hubctl.hash")) {
        precondition(blockCount >= 2, "a ring needs at least two blocks")
        self.queue = queue
        blocks = (0..<blockCount).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: blockSize, alignment: 64) }
        free = DispatchSemaphore(value: blockCount)
    }

    deinit {
        queue.sync {}
        for block in blocks { block.deallocate() }
    }

    /// The next block to fill; waits while every block is still queued for hashing.
    public func nextBlock() -> UnsafeMutableRawBufferPointer {
        free.wait()
        let block = blocks[next]
        next = (next + 1) % blocks.count
        return block
    }

    /// Hashes the first `count` bytes of `block` (from `nextBlock()`) in the background, then frees it.
    public func submit(_ block: UnsafeMutableRawBufferPointer, count: Int) {
        nonisolated(unsafe) let chunk = UnsafeRawBufferPointer(rebasing: block[0..<count])
        // The job holds the hasher and the semaphore, not the ring: were the ring's last reference released
        // inside a job, its deinit would wait for its own queue.
        nonisolated(unsafe) let hasher = hasher
        let free = free
        queue.async {
            hasher.update(chunk)
            free.signal()
        }
    }

    /// Frees `block` (from `nextBlock()`) without hashing it.
    public func release(_ block: UnsafeMutableRawBufferPointer) {
        free.signal()
    }

    /// Waits for every submitted block and returns the digest of all of them; the next block starts a
    /// new digest.
    public func finalize() -> String {
        queue.sync {}
        return hasher.finalize()
    }
}
