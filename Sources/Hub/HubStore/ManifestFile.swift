import HubCore

/// One file of an unpacked module as recorded at unpack time (the `files` table), so `verify` can
/// re-hash the module and name exactly what changed.
public typealias ManifestFile = FileDigest
