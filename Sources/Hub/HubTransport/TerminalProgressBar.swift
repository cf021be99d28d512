import Foundation

/// Draws `label  12.3 MiB / 201.0 MiB  6%  4.5 MiB/s  ETA 0:42` on one line of stderr, redrawn at
/// most ~10 times a second and erased when the transfer ends. Use it only when stderr is a
/// terminal (`TerminalProgressBar.isStandardErrorTerminal`); the caller decides.
public final class TerminalProgressBar: ProgressReporter {
    private let label: String
    private let descriptor: Int32
    private let interval: Double
    private var lastDraw: Double = 0
    private var startTime: Double = 0
    private var startBytes: Int64 = 0
    private var drawn = false

    public init(label: String, fileDescriptor: Int32 = STDERR_FILENO, interval: Double = 0.1) {
        self.label = label
        self.descriptor = fileDescriptor
        self.interval = interval
    }

    public static var isStandardErrorTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    public func transferStarted(url: String, completed: Int64, total: Int64?) {
        startTime = Self.now()
        startBytes = completed
        draw(completed: completed, total: total, force: true)
    }

    public func transferProgressed(completed: Int64, total: Int64?) {
        draw(completed: completed, total: total, force: false)
    }

    public func transferFinished() {
        if drawn { emit("\r\u{1B}[2K") }
        drawn = false
    }

    /// The line for a state, without terminal control codes (separate for testing).
    public static func line(label: String, completed: Int64, total: Int64?, bytesPerSecond: Double) -> String {
        var parts = [label, formatBytes(completed) + (total.map { " / " + formatBytes($0) } ?? "")]
        if let total, total > 0 { parts.append("\(min(100, completed * 100 / total))%") }
        if bytesPerSecond > 0 {
            parts.append(formatBytes(Int64(bytesPerSecond)) + "/s")
            if let total, total > completed {
                let seconds = Int(Double(total - completed) / bytesPerSecond)
                parts.append(String(format: "ETA %d:%02d", seconds / 60, seconds % 60))
            }
        }
        return parts.joined(separator: "  ")
    }

    public static func formatBytes(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    private func draw(completed: Int64, total: Int64?, force: Bool) {
        let now = Self.now()
        guard force || now - lastDraw >= interval else { return }
        lastDraw = now
        let elapsed = now - startTime
        let rate = elapsed > 0.2 ? Double(completed - startBytes) / elapsed : 0
        emit("\r\u{1B}[2K" + Self.line(label: label, completed: completed, total: total, bytesPerSecond: rate))
        drawn = true
    }

    private func emit(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { _ = write(descriptor, $0.baseAddress, $0.count) }
    }

    private static func now() -> Double { ProcessInfo.processInfo.systemUptime }
}
