// swift-tools-version:6.0
import PackageDescription

// Modules depend one way: combos -> Site -> Catalog (the fit engine and the preview
// server slot in as Fit and Preview, between them, in later issues).
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
        .target(
            name: "Catalog",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "Site",
            dependencies: [
                "Catalog",
                "CCmarkGFM",
                "CAtomicSwap",
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .executableTarget(
            name: "combos",
            dependencies: [
                "Catalog",
                "Site",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "FixtureSupport", dependencies: ["Catalog"], path: "Tests/FixtureSupport"),
        .testTarget(name: "CatalogTests", dependencies: ["Catalog", "FixtureSupport"]),
        .testTarget(name: "SiteTests", dependencies: ["Site", "Catalog", "FixtureSupport"]),
    ]
)
