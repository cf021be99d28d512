/// The whole `hubctl` program: parses `arguments` (including argv[0]) and returns the exit status.
public enum Entrypoint {
    public static func run(arguments: [String]) -> Int32 {
        0
    }
}
