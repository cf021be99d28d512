import HubClient
import HubCore
import HubStore

extension CommandContext {
    /// The hub configuration these flags and this environment describe.
    package var configuration: HubConfiguration {
        HubConfiguration.resolve(cacheDirectory: globals.cacheDirectory, registry: globals.registry,
                                 offline: globals.offline, quiet: globals.quiet || globals.json,
                                 environment: environment)
    }

    /// Opens the module cache, noting on stderr when a damaged index had to be rebuilt.
    package func openCache() throws -> ModuleCache {
        let cache = try ModuleCache(configuration: configuration)
        let console = self.console
        cache.notes = { console.note("note: " + $0) }
        if let movedTo = cache.rebuiltIndexFrom {
            console.note("note: the cache index was damaged and has been rebuilt (old file kept at \(movedTo)); "
                + "modules will be refetched")
        } else if cache.orphanedModuleFolders > 0 {
            console.note("note: the cache index \(cache.layout.indexPath) was missing and has been recreated; "
                + "\(cache.orphanedModuleFolders) cached module folder(s) will be refetched when next used")
        }
        return cache
    }

    /// Parses a handle operand; malformed handles are usage errors (exit 64).
    package func handle(_ text: String) throws(HandleError) -> ModuleHandle {
        try ModuleHandle(parsing: text)
    }
}
