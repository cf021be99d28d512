/// Receives transfer progress. Called on the downloading thread, at most as often as libcurl
/// reports (the reporter throttles its own drawing).
public protocol ProgressReporter: AnyObject {
    /// A request started; `completed` bytes are already on disk (resume), `total` is the full size if known.
    func transferStarted(url: String, completed: Int64, total: Int64?)
    /// `completed` of `total` bytes are now on disk.
    func transferProgressed(completed: Int64, total: Int64?)
    /// The download ended (successfully or not); clear any display.
    func transferFinished()
}
