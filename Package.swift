// swift-tools-version:6.1
import PackageDescription

// Modules depend one way: combos -> Preview -> Site -> Fit -> Catalog.
let package = Package(
    name: "combos",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "combos", targets: ["combos"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        // The preview server; without its optional traits (swift-configuration), which we do not use.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.0.0", traits: []),
        // Hummingbird's own networking; the preview names its idle timeout in NIO's TimeAmount.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        // Tests only: generated inputs for the fit engine's edge cases.
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // A few lines of C for the one system call Swift's Glibc module does not expose
        // (renameat2 with RENAME_EXCHANGE), which makes replacing the output atomic.
        .target(name: "CAtomicSwap"),
        // Starts the `rm -rf` that deletes an output a whole build replaced, without waiting
        // for it (posix_spawn with its file actions, simpler in C than through Swift pointers).
        .target(name: "CDetachedRemoval"),
        .target(
            name: "Catalog",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(name: "Fit", dependencies: ["Catalog"]),
        .target(
            name: "Site",
            dependencies: [
                "Catalog",
                "Fit",
                "CCmarkGFM",
                "CAtomicSwap",
                "CDetachedRemoval",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "Preview",
            dependencies: [
                "Catalog", "Site",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "combos",
            dependencies: [
                "Catalog",
                "Fit",
                "Site",
                "Preview",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Not part of `swift test`: `swift run -c release fit-benchmark` measures verdicts a second.
        .executableTarget(name: "fit-benchmark", dependencies: ["Fit", "Catalog"], path: "Benchmarks/FitBenchmark"),
        // Not part of `swift test`: Fuzz/run.sh builds it with libFuzzer and runs it for a bounded time.
        .executableTarget(name: "catalog-fuzz", dependencies: ["Catalog"], path: "Fuzz/CatalogFuzz"),
        .target(name: "FixtureSupport", dependencies: ["Catalog"], path: "Tests/FixtureSupport"),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "FixtureSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(
            name: "FitTests",
            dependencies: ["Fit", "Catalog", "FixtureSupport", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "SiteTests", dependencies: ["Site", "Fit", "Catalog", "FixtureSupport"]),
        .testTarget(
            name: "PreviewTests",
            dependencies: [
                "Preview", "Site", "Catalog", "FixtureSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ]
)
