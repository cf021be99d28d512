// libFuzzer entry point for the registry readers (HubCore): `ModuleHandle(parsing:)`, `RegistryEntry(parsing:)`
// and `RegistryIndex(parsing:)`. Built by Tests/Fuzz/run.sh with the HubCore sources.
//
// Besides "no crash", each accepted input must keep the invariants the rest of hubctl relies on; a violation
// traps so that libFuzzer records the input as a crasher:
//   - a registry handle's parts are non-empty, never `.`/`..`, lowercase ASCII; its text re-parses to itself;
//   - a registry-relative asset or labels path never starts with `/` and never contains a `..` component;
//   - an index re-parses from its own rendering to the same handles.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func registryFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let text = String(decoding: bytes, as: UTF8.self)

    for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(64) {
        if let handle = try? ModuleHandle(parsing: String(line), currentDirectory: "/fuzz/cwd", homeDirectory: "/fuzz/home") {
            checkHandle(handle)
        }
    }

    if let entry = try? RegistryEntry(parsing: text, source: "fuzz/entry.md") {
        checkHandle(entry.handle)
        for path in [entry.assetPath, entry.labelsPath].compactMap({ $0 }) {
            if let relative = entry.registryRelativePath(path) { checkRelative(relative) }
        }
        _ = try? RegistryEntry(parsing: text, source: "fuzz/entry.md", expectedHandle: entry.handle)
    }
    if let expected = try? ModuleHandle(parts: ["fuzz", "model"], version: 1) {
        _ = try? RegistryEntry(parsing: text, source: "fuzz/entry.md", expectedHandle: expected)
    }

    if let index = try? RegistryIndex(parsing: text, source: "fuzz/index.txt") {
        for handle in index.handles {
            checkHandle(handle)
            _ = index.latest(for: handle)
        }
        guard let again = try? RegistryIndex(parsing: index.rendered(), source: "fuzz/rendered.txt"), again == index else {
            fatalError("fuzz: a parsed registry index does not re-parse from its rendering")
        }
    }
    return 0
}

/// Traps unless `handle` keeps the registry-handle invariants.
private func checkHandle(_ handle: ModuleHandle) {
    guard let parts = handle.registryParts else { return }
    for part in parts {
        let allowed = part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "_.-".contains($0)) }
        if part.isEmpty || part == "." || part == ".." || !allowed {
            fatalError("fuzz: registry handle part '\(part)' escaped validation")
        }
    }
    guard let again = try? ModuleHandle(parsing: handle.description), again == handle else {
        fatalError("fuzz: registry handle '\(handle)' does not re-parse to itself")
    }
}

/// Traps when a registry-relative path could leave the registry root.
private func checkRelative(_ relative: String) {
    if relative.hasPrefix("/") || relative.split(separator: "/").contains("..") {
        fatalError("fuzz: registry-relative path '\(relative)' climbs out of the registry")
    }
}
