// swift-tools-version: 6.1
// Tarn: a self-hosted data lake. Module layout and the rules for who may import whom are in
// docs/ARCHITECTURE.md; lower layers never import higher ones.
import PackageDescription

/// Setting `TARN_LIBRARY_ONLY=1` leaves out the targets that pull in the server stack
/// (Hummingbird, service-lifecycle), so work on the pure libraries (Parquet, SQL, text formats)
/// builds in seconds instead of the ten minutes a cold server build takes.
let libraryOnly = Context.environment["TARN_LIBRARY_ONLY"] != nil

/// Our own targets compile warning-free; CI would otherwise let warnings pile up.
let strict: [SwiftSetting] = [.unsafeFlags(["-warnings-as-errors"])]

func system(_ name: String, _ pkgConfig: String, apt: String) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt([apt])])
}

var targets: [Target] = [
    // Layer 0: C libraries and the core.
    system("CZstd", "libzstd", apt: "libzstd-dev"),
    system("CSnappy", "snappy", apt: "libsnappy-dev"),
    system("CLZ4", "liblz4", apt: "liblz4-dev"),
    system("CZlib", "zlib", apt: "zlib1g-dev"),
    // glibc's _GNU_SOURCE-only file calls (sync_file_range); part of libc, nothing to install.
    .systemLibrary(name: "CLinuxIO", path: "Sources/CLinuxIO"),
    .target(name: "CCRCFold", path: "Sources/CCRCFold"),
    system("CSQLite", "sqlite3", apt: "libsqlite3-dev"),
    .target(
        name: "TarnCore",
        dependencies: ["CZlib", "CSQLite", "CLinuxIO", "CCRCFold", .product(name: "Logging", package: "swift-log")],
        swiftSettings: strict),

    // Layer 1: pure libraries.
    .target(name: "Columnar", dependencies: ["TarnCore"], swiftSettings: strict),
    .target(name: "Codecs", dependencies: ["TarnCore", "CZstd", "CSnappy", "CLZ4", "CZlib"], swiftSettings: strict),
    .target(name: "SQLParser", dependencies: ["TarnCore"], swiftSettings: strict),

    // Layer 2: formats and keys.
    .target(name: "Parquet", dependencies: ["TarnCore", "Columnar", "Codecs"], swiftSettings: strict),
    .target(name: "Keys", dependencies: ["TarnCore", .product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict),
    .target(name: "TextFormats", dependencies: ["TarnCore", "Columnar", "Codecs"], swiftSettings: strict),

    // Layer 4: the SQL engine core.
    .target(name: "QueryPlanner", dependencies: ["TarnCore", "Columnar", "SQLParser"], swiftSettings: strict),
    .target(name: "QueryExecution", dependencies: ["TarnCore", "Columnar", "SQLParser", "QueryPlanner"], swiftSettings: strict),

    // Layer 3: storage and access.
    .target(
        name: "Access",
        dependencies: ["TarnCore", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: strict),

    .target(
        name: "Storage",
        dependencies: ["TarnCore", "Keys", "Codecs", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log")],
        swiftSettings: strict),

    .target(name: "Catalog", dependencies: ["TarnCore", "Columnar"], swiftSettings: strict),
    .target(name: "SampleData", dependencies: ["TarnCore"], swiftSettings: strict),
    .target(name: "Conversion", dependencies: ["TarnCore", "Columnar", "Codecs", "Parquet", "TextFormats"], swiftSettings: strict),

    // Layer 5: prices, cost report and the Well-Architected review (pure logic over snapshots).
    .target(name: "Cost", dependencies: ["TarnCore", "Storage"], swiftSettings: strict),

    // Layer 5: streaming ingestion (Kinesis data streams, Firehose delivery streams).
    .target(
        name: "Ingest",
        dependencies: [
            "TarnCore", "Storage", "Columnar", "Codecs", "Parquet", "TextFormats", "Catalog",
            .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: strict),

    // Layer 6: ETL jobs (validate, dedupe, partitioned Parquet, commit protocol, triggers).
    .target(
        name: "Jobs",
        dependencies: [
            "TarnCore", "Columnar", "Codecs", "Parquet", "TextFormats", "Keys", "Storage", "Catalog",
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: strict),

    // Layer 5: the SQL facade — statements over the catalog and the lake's files.
    .target(
        name: "Query",
        dependencies: ["TarnCore", "Columnar", "Codecs", "SQLParser", "QueryPlanner", "QueryExecution", "Parquet", "TextFormats", "Storage", "Catalog"],
        swiftSettings: strict),

    // Layer 6: the declared pipeline (lake.yaml: environments, zones, tables' jobs, marts).
    .target(
        name: "Pipeline",
        dependencies: [
            "TarnCore", "Storage", "Catalog", "Jobs", "Query", "SQLParser", .product(name: "Logging", package: "swift-log"),
            .product(name: "Yams", package: "Yams"),
        ],
        swiftSettings: strict),

    // Layer 6: the assembled lake.
    .target(
        name: "Lake",
        dependencies: [
            "TarnCore", "Storage", "Catalog", "Keys", "Access", "Ingest", "Jobs", "Query", "Pipeline", "Cost", "Conversion", "Parquet",
            .product(name: "Logging", package: "swift-log"), .product(name: "Yams", package: "Yams"),
        ],
        swiftSettings: strict),

    // Test support and tests of the library layers.
    .target(name: "TarnTesting", dependencies: ["TarnCore"], path: "Sources/TarnTesting", swiftSettings: strict),
    .testTarget(name: "TarnCoreTests", dependencies: ["TarnCore", "TarnTesting"], swiftSettings: strict),
    .testTarget(name: "ColumnarTests", dependencies: ["Columnar", "TarnTesting"], swiftSettings: strict),
    .testTarget(
        name: "ConversionTests", dependencies: ["Conversion", "Parquet", "TextFormats", "Codecs", "Columnar", "TarnCore", "TarnTesting"],
        swiftSettings: strict),
    .testTarget(name: "SampleDataTests", dependencies: ["SampleData", "TextFormats", "Columnar", "TarnCore", "TarnTesting"], swiftSettings: strict),
    .testTarget(name: "CatalogTests", dependencies: ["Catalog", "Columnar", "TarnCore", "TarnTesting"], swiftSettings: strict),
    .testTarget(name: "StorageTests", dependencies: ["Storage", "TarnCore", "TarnTesting"], swiftSettings: strict),
    .testTarget(
        name: "AccessTests", dependencies: ["Access", "TarnCore", "TarnTesting"], exclude: ["Fixtures"],
        swiftSettings: strict),
    .testTarget(name: "KeysTests", dependencies: ["Keys", "TarnCore", "TarnTesting"], swiftSettings: strict),
    .testTarget(
        name: "LakeTests",
        dependencies: [
            "Lake", "Keys", "Access", "Storage", "Ingest", "Pipeline", "Cost", "TarnCore", "TarnTesting",
            .product(name: "Crypto", package: "swift-crypto"),
        ],
        swiftSettings: strict),
    .testTarget(name: "CodecsTests", dependencies: ["Codecs", "TarnCore"], swiftSettings: strict),
    .testTarget(
        name: "JobsTests",
        dependencies: ["Jobs", "Catalog", "Codecs", "Columnar", "Parquet", "Storage", "TarnCore", "TextFormats", "TarnTesting"],
        exclude: ["Fixtures"], swiftSettings: strict),
    .testTarget(
        name: "ParquetTests", dependencies: ["Parquet", "Codecs", "Columnar", "TarnCore", "TarnTesting"],
        exclude: ["Fixtures", "Peers"], swiftSettings: strict),
    .testTarget(
        name: "TextFormatsTests", dependencies: ["TextFormats", "Codecs", "Columnar", "TarnTesting"],
        exclude: ["Fixtures"], swiftSettings: strict),
    .testTarget(name: "SQLParserTests", dependencies: ["SQLParser", "TarnCore"], swiftSettings: strict),
    .testTarget(name: "QueryPlannerTests", dependencies: ["QueryPlanner", "SQLParser", "Columnar", "TarnCore"], swiftSettings: strict),
    .testTarget(
        name: "QueryTests",
        dependencies: [
            "Query", "Catalog", "Storage", "Parquet", "TextFormats", "QueryExecution", "QueryPlanner", "Columnar", "Codecs", "TarnCore",
            "TarnTesting",
        ],
        exclude: ["Fixtures"], swiftSettings: strict),
    .testTarget(
        name: "QueryExecutionTests",
        dependencies: ["QueryExecution", "QueryPlanner", "SQLParser", "Columnar", "TarnCore", "TarnTesting"],
        exclude: ["Fixtures"], swiftSettings: strict),
    .testTarget(
        name: "PipelineTests", dependencies: ["Pipeline", "Jobs", "Query", "Catalog", "Storage", "TarnCore", "TarnTesting"],
        exclude: ["Fixtures"], swiftSettings: strict),
    .testTarget(name: "CostTests", dependencies: ["Cost", "Lake", "Query", "Storage", "TarnCore", "TarnTesting"], swiftSettings: strict),
    .testTarget(name: "IngestTests", dependencies: ["Ingest", "Storage", "Keys", "TarnCore", "TarnTesting", "Catalog", "Codecs"], swiftSettings: strict),

    // Benchmarks: `swift run -c release TarnBench <name>`; method and results in docs/BENCHMARKS.md.
    .executableTarget(
        name: "TarnBench",
        dependencies: [
            "TarnCore", "Columnar", "Codecs", "Parquet", "TextFormats", "Access", "SQLParser", "QueryPlanner", "QueryExecution", "Ingest",
            "Keys", "Storage", "Catalog", "Query", "Jobs", "Lake",
        ],
        path: "Benchmarks/TarnBench", swiftSettings: strict),
]

var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    // The lake's configuration file (DIR/tarn.yaml: tiers, restore delays, lifecycle, prices).
    .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
]

var products: [Product] = []

if !libraryOnly {
    dependencies += [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        // `tarn demo` uploads over HTTPS trusting the demo's own self-signed certificate.
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.86.0"),
    ]
    targets += [
        // Layer 7: the HTTP server.
        .target(
            name: "Server",
            dependencies: [
                "TarnCore", "Storage", "Access", "Keys", "Ingest", "Jobs", "Lake",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Layer 8: the command line.
        .executableTarget(
            name: "tarn",
            dependencies: [
                "TarnCore", "Columnar", "Codecs", "Parquet", "TextFormats", "Storage", "Access", "Keys", "Catalog", "Conversion", "SampleData",
                "Ingest", "Jobs", "Lake", "Server", "Query", "SQLParser", "Cost", "Pipeline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict),
        // Unit tests of the server's pieces (XML, addressing, dates, error mapping, stream authorization).
        .testTarget(name: "ServerTests", dependencies: ["Server", "Storage", "TarnCore", "Access", "Ingest", "Lake", "TarnTesting"], swiftSettings: strict),
    ]
    products += [.executable(name: "tarn", targets: ["tarn"])]
}

let package = Package(
    name: "Tarn",
    platforms: [.macOS(.v15)],
    products: products,
    dependencies: dependencies,
    targets: targets
)
