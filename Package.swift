// swift-tools-version: 6.1
// hubctl: a TF-Hub style module manager and AmoebaNet-A runtime. Layers, bottom to top:
//   Sources/Shims    C libraries as system-library targets (libcurl, libarchive, SQLite, libcrypto,
//                    oneDNN, OpenBLAS, libjpeg-turbo, libpng) and small C targets (CShims: CRC-32C; CImageShims: libpng error handling).
//   Sources/Hub      handles and registry (HubCore), transfer (HubTransport), unpacking (HubArchive),
//                    the SQLite-indexed store (HubStore), and the fetch pipeline over them (HubClient).
//   Sources/Formats  TensorBundle / SavedModel / tfhub_module.pb readers (ModuleFormats).
//   Sources/Runtime  tensors, kernels and the AmoebaNet-A model (AmoebaNet); never imports network code.
//   Sources/Imaging  JPEG/PNG decoding and resizing.
//   Sources/Kit      the public Swift API, `Hub.module(handle)` (HubKit).
//   Sources/CLI      command parsing and output (HubCLI) and the thin `hubctl` executable.
import PackageDescription

let swift6: [SwiftSetting] = [.enableUpcomingFeature("MemberImportVisibility")]

func system(_ name: String, pkgConfig: String? = nil, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/Shims/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

let package = Package(
    name: "hubctl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hubctl", targets: ["hubctl"]),
        .library(name: "HubKit", targets: ["HubKit"]),
    ],
    targets: [
        // MARK: C shims
        system("CCurl", pkgConfig: "libcurl", apt: "libcurl4-openssl-dev"),
        system("CArchive", pkgConfig: "libarchive", apt: "libarchive-dev"),
        system("CSQLite", pkgConfig: "sqlite3", apt: "libsqlite3-dev"),
        system("CCrypto", pkgConfig: "libcrypto", apt: "libssl-dev"),
        system("CDNNL", apt: "libdnnl-dev"),
        system("COpenBLAS", pkgConfig: "openblas", apt: "libopenblas-dev"),
        system("CTurboJPEG", pkgConfig: "libturbojpeg", apt: "libturbojpeg0-dev"),
        system("CPNG", pkgConfig: "libpng16", apt: "libpng-dev"),
        .target(name: "CShims", path: "Sources/Shims/CShims"),
        .target(name: "CImageShims", path: "Sources/Shims/CImageShims", linkerSettings: [.linkedLibrary("png16")]),

        // MARK: Hub
        .target(name: "HubCore", dependencies: ["CCrypto"], path: "Sources/Hub/HubCore", swiftSettings: swift6),
        .target(name: "HubTransport", dependencies: ["HubCore", "CCurl"], path: "Sources/Hub/HubTransport",
                swiftSettings: swift6),
        .target(name: "HubArchive", dependencies: ["HubCore", "CArchive"], path: "Sources/Hub/HubArchive",
                swiftSettings: swift6),
        .target(name: "HubStore", dependencies: ["HubCore", "CSQLite"], path: "Sources/Hub/HubStore",
                swiftSettings: swift6),
        .target(name: "HubClient", dependencies: ["HubCore", "HubTransport", "HubArchive", "HubStore"],
                path: "Sources/Hub/HubClient", swiftSettings: swift6),

        // MARK: Module formats, runtime, imaging
        .target(name: "ModuleFormats", dependencies: ["CShims"], path: "Sources/Formats/ModuleFormats",
                swiftSettings: swift6),
        .target(name: "AmoebaNet", dependencies: ["ModuleFormats", "CDNNL"],
                path: "Sources/Runtime/AmoebaNet",
                swiftSettings: swift6 + [.unsafeFlags(["-Ounchecked", "-wmo"], .when(configuration: .release))]),
        .target(name: "Imaging", dependencies: ["CTurboJPEG", "CPNG", "CImageShims"], path: "Sources/Imaging/Imaging",
                swiftSettings: swift6),

        // MARK: Public API and CLI
        .target(name: "HubKit", dependencies: ["HubClient", "ModuleFormats", "AmoebaNet", "Imaging"],
                path: "Sources/Kit/HubKit", swiftSettings: swift6),
        .target(name: "HubCLI", dependencies: ["HubKit"], path: "Sources/CLI/HubCLI", swiftSettings: swift6),
        .executableTarget(name: "hubctl", dependencies: ["HubCLI"], path: "Sources/CLI/hubctl",
                          swiftSettings: swift6),

        // MARK: Tests
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: swift6),
        .testTarget(name: "HubTests",
                    dependencies: ["HubCore", "HubTransport", "HubArchive", "HubStore", "HubClient", "TestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "ModuleFormatsTests", dependencies: ["ModuleFormats", "TestSupport"], swiftSettings: swift6),
        // OpenBLAS only for the GEMM back-end comparison: linked into hubctl, its thread pool would start
        // (and spin) in every process.
        .testTarget(name: "AmoebaNetTests", dependencies: ["AmoebaNet", "ModuleFormats", "COpenBLAS", "TestSupport"],
                    swiftSettings: swift6),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], exclude: ["make_image_fixtures.py"],
                    swiftSettings: swift6),
        .testTarget(name: "HubKitTests", dependencies: ["HubKit", "ModuleFormats", "AmoebaNet", "TestSupport"], exclude: ["make_png_inputs.py"], swiftSettings: swift6),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"], swiftSettings: swift6),
    ],
    swiftLanguageModes: [.v6]
)
